package io.granary.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The link as a benchmark script drives it: its command line, its port file, its counters. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WanLinkMainTest {
  @TempDir Path tmp;

  @Test
  void readsItsCommandLine() {
    WanLinkMain.Options o =
        WanLinkMain.Options.parse(
            "--to",
            "127.0.0.1:8443",
            "--port-file",
            "p",
            "--delay-ms",
            "75",
            "--bandwidth",
            "12500000",
            "--stats-file",
            "s");
    assertEquals(
        new WanLinkMain.Options(
            "127.0.0.1", 8443, Path.of("p"), Duration.ofMillis(75), 12_500_000, Path.of("s")),
        o);
    WanLinkMain.Options least = WanLinkMain.Options.parse("--port-file", "p", "--to", "h:1");
    assertEquals(Duration.ZERO, least.delay());
    assertEquals(0, least.bandwidth());
    assertEquals(null, least.statsFile());
  }

  @Test
  void refusesABadCommandLine() {
    String[][] bad = {
      {},
      {"--to", "127.0.0.1:1"},
      {"--port-file", "p"},
      {"--to", "127.0.0.1", "--port-file", "p"},
      {"--to", "127.0.0.1:0", "--port-file", "p"},
      {"--to", "127.0.0.1:65536", "--port-file", "p"},
      {"--to", "127.0.0.1:1", "--port-file", "p", "--delay-ms", "-1"},
      {"--to", "127.0.0.1:1", "--port-file", "p", "--bandwidth", "fast"},
      {"--to", "127.0.0.1:1", "--port-file", "p", "--loss", "1"},
      {"--to", "127.0.0.1:1", "--port-file"},
    };
    for (String[] args : bad) {
      assertThrows(
          IllegalArgumentException.class,
          () -> WanLinkMain.Options.parse(args),
          String.join(" ", args));
    }
  }

  @Test
  void writesItsPortAndAtTheEndItsCounters() throws Exception {
    AtomicLong received = new AtomicLong();
    try (Peer sink = Peer.sink(received, new CountDownLatch(0))) {
      Path portFile = tmp.resolve("port");
      Path statsFile = tmp.resolve("stats");
      WanLinkMain.Options o =
          WanLinkMain.Options.parse(
              "--to",
              "127.0.0.1:" + sink.port(),
              "--port-file",
              portFile.toString(),
              "--stats-file",
              statsFile.toString());
      WanLink link = WanLinkMain.start(o);
      int port = Integer.parseInt(Files.readString(portFile).trim());
      assertEquals(link.port(), port);
      try (Socket s = new Socket("127.0.0.1", port)) {
        Peer.sendPattern(s.getOutputStream(), 100_000);
        s.shutdownOutput();
        assertEquals(-1, s.getInputStream().read());
      }
      assertFalse(Files.exists(statsFile));
      WanLinkMain.stop(link, o);
      assertEquals("to-server 100000\nto-client 0\nconnections 1\n", Files.readString(statsFile));
      assertEquals(100_000, received.get());
      assertTrue(Files.list(tmp).noneMatch(f -> f.toString().endsWith(".tmp")));
    }
  }
}
