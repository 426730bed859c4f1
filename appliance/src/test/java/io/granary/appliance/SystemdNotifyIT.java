package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.daemon.NotifyReceiver;
import io.granary.testing.FreePort;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * granaryd as systemd runs it with Type=notify: READY=1 on $NOTIFY_SOCKET only once the
 * admin API and NBD answer, STOPPING=1 when SIGTERM begins the clean stop (exit 143, which
 * the unit counts as success).
 */
class SystemdNotifyIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void readyOnceServingAndStoppingOnSigterm() throws Exception {
    int port = FreePort.pick();
    Path data = tmp.resolve("data");
    try (NotifyReceiver systemd = NotifyReceiver.bind(tmp.resolve("notify").toString());
        DaemonProcess daemon = new DaemonProcess(data).env("NOTIFY_SOCKET", systemd.name())) {
      daemon.start("--nbd-listen", "127.0.0.1:" + port);

      String ready = systemd.receive(WAIT);
      assertTrue(ready.startsWith("READY=1\nSTATUS="), ready);
      // What READY promises: the admin API and the NBD listener answer.
      Cli.Result pools = new Cli(data).run("pool", "list");
      assertEquals(0, pools.exit(), pools.toString());
      try (Socket nbd = new Socket()) {
        nbd.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      }
      assertTrue(systemd.isEmpty(), "one message at start");

      assertEquals(143, daemon.stop());
      assertTrue(systemd.receive(WAIT).startsWith("STOPPING=1\n"));
      assertTrue(Files.readString(daemon.log).contains("stopped cleanly"), daemon.log());
    }
  }
}
