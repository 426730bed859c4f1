package io.granary.appliance.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.InvalidNameException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remotes on disk: one JSON and one 0600 token file each, in a 0700 directory. */
class RemotesTest {
  private static final String TOKEN = "0123456789abcdef-token";

  @TempDir Path data;

  private static Remote remote(String name) {
    return new Remote(
        name,
        URI.create("https://10.0.0.2:8443"),
        Fingerprint.parse("SHA256:" + "ab".repeat(32)),
        1 << 20,
        Instant.parse("2026-12-07T10:00:00Z"));
  }

  @Test
  void keepsARemoteAndItsTokenPrivately() throws Exception {
    Remotes remotes = Remotes.in(data);
    assertEquals(List.of(), remotes.list(), "none before the first add");
    remotes.add(remote("site-b"), TOKEN);
    Path dir = data.resolve("remotes");
    assertEquals("rwx------", mode(dir));
    assertEquals("rw-------", mode(dir.resolve("site-b.token")));
    assertEquals("rw-------", mode(dir.resolve("site-b.json")));
    assertFalse(Files.readString(dir.resolve("site-b.json")).contains(TOKEN));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary file is left");
    }

    Remotes again = Remotes.in(data); // as the next daemon reads them
    assertEquals(List.of(remote("site-b")), again.list());
    assertEquals(remote("site-b"), again.get("site-b"));
    assertEquals(TOKEN, again.token("site-b"));
    assertEquals(remote("site-b"), again.client("site-b").remote());
  }

  @Test
  void refusesABadNameATakenOneAndAMissingOne() throws Exception {
    Remotes remotes = Remotes.in(data);
    assertThrows(InvalidNameException.class, () -> remotes.get("../appliance"));
    assertThrows(InvalidNameException.class, () -> remotes.remove(".hidden"));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> remote("../etc"));
    assertTrue(bad.getMessage().startsWith("invalid remote name '../etc'"), bad.getMessage());
    assertFalse(Files.exists(data.resolve("remotes")), "nothing written");

    remotes.add(remote("b"), TOKEN);
    RemoteException taken =
        assertThrows(RemoteException.class, () -> remotes.add(remote("b"), "another-token-123"));
    assertEquals(RemoteException.Kind.EXISTS, taken.kind());
    assertEquals(TOKEN, remotes.token("b"), "the first token stays");
    RemoteException missing = assertThrows(RemoteException.class, () -> remotes.get("c"));
    assertEquals(RemoteException.Kind.NOT_FOUND, missing.kind());
    assertEquals("remote c does not exist", missing.getMessage());
  }

  @Test
  void removeForgetsBothFilesAndAnOrphanTokenIsNoRemote() throws Exception {
    Remotes remotes = Remotes.in(data);
    remotes.add(remote("a"), TOKEN);
    remotes.add(remote("b"), TOKEN);
    remotes.remove("a");
    assertEquals(List.of(remote("b")), remotes.list());
    assertFalse(Files.exists(data.resolve("remotes/a.token")));
    assertEquals(
        RemoteException.Kind.NOT_FOUND,
        assertThrows(RemoteException.class, () -> remotes.remove("a")).kind());

    // What a crash between the two writes of an add leaves: a token, a temporary file.
    Files.writeString(data.resolve("remotes/c.token"), "stale-token-stale");
    Files.writeString(data.resolve("remotes/.c.json.tmp"), "{");
    assertEquals(List.of(remote("b")), remotes.list());
    remotes.add(remote("c"), TOKEN);
    assertEquals(TOKEN, remotes.token("c"));
    assertEquals("rw-------", mode(data.resolve("remotes/c.token")));
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
