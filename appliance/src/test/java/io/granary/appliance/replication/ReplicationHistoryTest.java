package io.granary.appliance.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationHistoryTest {
  private static final Instant T = Instant.parse("2026-12-08T10:00:00Z");

  @TempDir Path tmp;

  @Test
  void successesAndFailuresAreKeptAcrossARestart() throws Exception {
    Path f = tmp.resolve("replication.json");
    ReplicationHistory h = ReplicationHistory.open(f);
    assertNull(h.of("default", "vm"));
    h.succeeded("default", "vm", "b:default/vm", "repl-1", T, T.plusSeconds(5));
    h.failed("default", "vm", "b:default/vm", "b is unreachable", T.plusSeconds(900));
    h.failed("default", "vm", "b:default/vm", "b is still unreachable", T.plusSeconds(1200));
    h.failed("default", "new", "b:default/new", "refused", T);

    ReplicationHistory again = ReplicationHistory.open(f);
    ReplicationHistory.Entry vm = again.of("default", "vm");
    assertEquals("repl-1", vm.snapshot());
    assertEquals(T, vm.taken());
    assertEquals(2, vm.failures());
    assertEquals("b is still unreachable", vm.error());
    assertEquals(Duration.ofMinutes(30), vm.lag(T.plus(Duration.ofMinutes(30))));
    assertNull(again.of("default", "new").lag(T), "nothing reached the remote yet");
    assertEquals(1, again.of("default", "new").failures());
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
        "written 0600 like the other state files");

    again.succeeded("default", "vm", "b:default/vm", "repl-2", T.plusSeconds(1300), T);
    assertEquals(0, ReplicationHistory.open(f).of("default", "vm").failures());
  }

  @Test
  void deletedVolumesAreForgottenInTheirPoolOnly() throws Exception {
    Path f = tmp.resolve("replication.json");
    ReplicationHistory h = ReplicationHistory.open(f);
    for (String v : new String[] {"a/vm", "a/gone", "b/gone"}) {
      String[] pv = v.split("/");
      h.succeeded(pv[0], pv[1], "r:default/" + pv[1], "repl-1", T, T);
    }
    h.retain("a", Set.of("vm"));
    ReplicationHistory again = ReplicationHistory.open(f);
    assertEquals("repl-1", again.of("a", "vm").snapshot());
    assertNull(again.of("a", "gone"));
    assertEquals("repl-1", again.of("b", "gone").snapshot(), "pool b was not looked at");
  }

  @Test
  void aDamagedFileStartsAfreshAndIsReplacedWhole() throws Exception {
    Path f = tmp.resolve("replication.json");
    Files.writeString(f, "{\"default/vm\": {\"taken\": \"yesterday\"");
    ReplicationHistory h = ReplicationHistory.open(f);
    assertNull(h.of("default", "vm"));
    h.succeeded("default", "vm", "b:default/vm", "repl-1", T, T);
    assertEquals("repl-1", ReplicationHistory.open(f).of("default", "vm").snapshot());
  }

  @Test
  void aChangeThatCannotBeSavedIsNotKept() throws Exception {
    Path f = tmp.resolve("replication.json");
    ReplicationHistory h = ReplicationHistory.open(f);
    h.succeeded("default", "vm", "b:default/vm", "repl-1", T, T);
    // A directory in the file's place: the rename over it fails, even for root.
    Files.delete(f);
    Files.writeString(Files.createDirectories(f).resolve("x"), "x");
    assertThrows(
        IOException.class,
        () -> h.failed("default", "vm", "b:default/vm", "down", T.plusSeconds(60)));
    assertEquals(0, h.of("default", "vm").failures());
    assertThrows(
        IOException.class, () -> h.failed("default", "other", "b:default/other", "down", T));
    assertNull(h.of("default", "other"));
  }
}
