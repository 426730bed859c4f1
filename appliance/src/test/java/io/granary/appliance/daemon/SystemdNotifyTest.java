package io.granary.appliance.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify over a real Unix datagram socket, bound at a path and in the abstract namespace. */
class SystemdNotifyTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path tmp;

  @Test
  void sendsEachStateAsOneDatagramToAPathSocket() throws Exception {
    try (NotifyReceiver systemd = NotifyReceiver.bind(tmp.resolve("notify").toString())) {
      SystemdNotify notify = new SystemdNotify(systemd.name());
      assertTrue(notify.enabled());
      notify.send("READY=1\nSTATUS=serving");
      notify.send("STOPPING=1");
      assertEquals("READY=1\nSTATUS=serving", systemd.receive(WAIT));
      assertEquals("STOPPING=1", systemd.receive(WAIT));
      assertTrue(systemd.isEmpty());
    }
  }

  @Test
  void reachesASocketInTheAbstractNamespace() throws Exception {
    String name = "@granary-test-" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
    try (NotifyReceiver systemd = NotifyReceiver.bind(name)) {
      new SystemdNotify(name).send("READY=1");
      assertEquals("READY=1", systemd.receive(WAIT));
    }
  }

  @Test
  void withoutNotifySocketNothingIsSent() {
    assertFalse(new SystemdNotify(null).enabled());
    assertFalse(new SystemdNotify("").enabled());
    new SystemdNotify(null).send("READY=1");
  }

  @Test
  void aSocketNobodyListensOnIsReportedNotThrown() {
    SystemdNotify notify = new SystemdNotify(tmp.resolve("gone").toString());
    IOException e = assertThrows(IOException.class, () -> notify.sendOrThrow("READY=1"));
    assertTrue(e.getMessage().startsWith("sendto: errno "), e.getMessage());
    notify.send("READY=1");
  }

  @Test
  void addressIsAFamilyThenThePathWithItsNulOrANulThenTheAbstractName() {
    byte[] family =
        ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? new byte[] {1, 0} : new byte[] {0, 1};
    assertArrayEquals(
        new byte[] {family[0], family[1], '/', 'r', '/', 'n', 0}, SystemdNotify.sockaddr("/r/n"));
    assertArrayEquals(
        new byte[] {family[0], family[1], 0, 'n', 's'}, SystemdNotify.sockaddr("@ns"));
  }

  @Test
  void rejectsRelativeAndOverlongNames() {
    assertThrows(IllegalArgumentException.class, () -> new SystemdNotify("run/notify"));
    String longest = "/" + "x".repeat(106);
    assertEquals(2 + 108, SystemdNotify.sockaddr(longest).length);
    assertThrows(IllegalArgumentException.class, () -> new SystemdNotify(longest + "x"));
  }
}
