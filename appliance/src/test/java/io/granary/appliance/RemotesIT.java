package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.remote.Fingerprint;
import io.granary.appliance.remote.Remote;
import io.granary.appliance.remote.RemoteClient;
import io.granary.appliance.remote.RemoteException;
import io.granary.appliance.remote.TestKeyStore;
import io.granary.testing.FreePort;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remotes between two real granaryd processes: this one, and a peer with a TLS admin listener
 * and a token. The pin is the peer's certificate (as keytool reads it), the token is never
 * shown, every refusal keeps nothing, and a peer that comes back with a new key is refused.
 */
class RemotesIT {
  private static final String TOKEN = "peer-admin-token-0123456789";

  @TempDir Path tmp;

  @Test
  void aPeerIsPinnedTestedRefusedWhenItsCertificateChangesAndRemoved() throws Exception {
    Path peerData = Files.createDirectories(tmp.resolve("peer"));
    TestKeyStore first = TestKeyStore.create(peerData.resolve("admin.p12"), "peer.invalid");
    TestKeyStore second = TestKeyStore.create(tmp.resolve("second.p12"), "peer.invalid");
    Files.writeString(peerData.resolve("admin.token"), TOKEN + "\n");
    int port = FreePort.pick();
    Path peerConfig = tmp.resolve("peer.conf");
    Files.writeString(
        peerConfig,
        "[admin]\ntcp = \"127.0.0.1:"
            + port
            + "\"\ntls-keystore = \"admin.p12\"\ntls-keystore-password = \""
            + TestKeyStore.PASSWORD
            + "\"\ntoken-file = \"admin.token\"\n");
    String url = "https://127.0.0.1:" + port;
    String tokenFile = Files.writeString(tmp.resolve("token"), TOKEN + "\n").toString();
    String wrongToken = Files.writeString(tmp.resolve("wrong"), "not-the-token-0123456").toString();
    String pinned = Fingerprint.parse(first.keytoolFingerprint()).toString();
    String secondPin = Fingerprint.parse(second.keytoolFingerprint()).toString();
    Path local = tmp.resolve("local");
    Path remotes = local.resolve("remotes");

    try (DaemonProcess peer = new DaemonProcess(peerData).start("--config", peerConfig.toString());
        DaemonProcess here = new DaemonProcess(local).start()) {
      Cli cli = new Cli(local);
      Cli.Result add = cli.ok("remote", "add", "site-b", "--url", url, "--token-file", tokenFile);
      assertEquals(
          "added remote site-b at "
              + url
              + "\ncertificate "
              + pinned
              + " (pinned on first use: check it is the peer's own)\n",
          add.out());
      assertTrue(
          here.log()
              .contains(
                  "remote site-b added by "
                      + System.getProperty("user.name")
                      + ": "
                      + url
                      + ", certificate "
                      + pinned),
          "the trust decision is in the log");
      for (String[] call :
          new String[][] {
            {"remote", "list"}, {"remote", "show", "site-b"}, {"remote", "list", "--json"}
          }) {
        Cli.Result r = cli.ok(call);
        assertTrue(r.out().contains(pinned) && r.out().contains(url), r.toString());
        assertFalse(r.out().contains(TOKEN), "the token is never shown: " + r);
      }
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(remotes.resolve("site-b.token"))));

      Cli.Result test = cli.ok("remote", "test", "site-b");
      assertTrue(
          test.out()
              .matches(
                  "remote site-b: reachable in [0-9]+ ms, granary \\S+, certificate "
                      + pinned
                      + " as pinned\n"),
          test.toString());

      refusedKeepingNothing(
          add(cli, "bad", url, wrongToken),
          1,
          "granary: cannot add remote bad: bad refused the token (HTTP 403)\n",
          remotes);
      refusedKeepingNothing(
          add(cli, "bad", url, tokenFile, "--fingerprint", secondPin),
          1,
          "granary: cannot add remote bad: bad at "
              + url
              + " presents certificate "
              + pinned
              + ", not "
              + secondPin
              + " as given\n",
          remotes);
      refusedKeepingNothing(
          add(cli, "bad", "http://127.0.0.1:" + port, tokenFile),
          2,
          "granary: cannot add remote bad: http:// is refused: a remote is reached over TLS "
              + "with a token; use https://HOST:PORT of the peer's admin.tcp listener\n",
          remotes);
      String closed = "https://127.0.0.1:" + FreePort.pick();
      refusedKeepingNothing(
          add(cli, "bad", closed, tokenFile),
          1,
          "granary: cannot add remote bad: cannot reach bad at "
              + closed
              + ": connection refused\n",
          remotes);

      // The fingerprint as keytool prints it (colons, upper case) pins the same certificate.
      Cli.Result given =
          add(cli, "site-c", url, tokenFile, "--fingerprint", first.keytoolFingerprint());
      assertEquals(0, given.exit(), given.toString());
      assertTrue(given.out().contains("certificate " + pinned + " (as given)"), given.toString());
      cli.ok("remote", "remove", "site-c");

      // A token holder administers the peer but may not make it send volumes elsewhere.
      RemoteClient asTokenHolder =
          new RemoteClient(
              new Remote("peer", URI.create(url), Fingerprint.parse(pinned), 0, Instant.now()),
              TOKEN);
      RemoteException forbidden =
          assertThrows(
              RemoteException.class,
              () ->
                  asTokenHolder.send(
                      "POST",
                      "/api/v1/remotes",
                      BodyPublishers.ofString(
                          "{\"name\":\"x\",\"url\":\"" + url + "\",\"token\":\"" + TOKEN + "\"}"),
                      BodyHandlers.ofString()));
      assertEquals(403, forbidden.status());
      assertTrue(
          forbidden.getMessage().contains("only root and granaryd's own user may add remotes"),
          forbidden.getMessage());

      here.stop();
      here.start();
      cli.ok("remote", "test", "site-b"); // kept across a restart

      peer.stop();
      Files.copy(second.path, first.path, StandardCopyOption.REPLACE_EXISTING);
      peer.start("--config", peerConfig.toString());
      Cli.Result changed = cli.run("remote", "test", "site-b");
      assertEquals(1, changed.exit(), changed.toString());
      assertEquals(
          "granary: cannot test remote site-b: certificate of site-b changed: pinned "
              + pinned
              + ", presented "
              + secondPin
              + "\n",
          changed.err());

      cli.ok("remote", "remove", "site-b");
      assertEquals("", cli.ok("remote", "list", "-H").out());
      try (var left = Files.list(remotes)) {
        assertEquals(0, left.count(), "its JSON and token are gone");
      }
      Cli.Result gone = cli.run("remote", "show", "site-b");
      assertEquals(1, gone.exit());
      assertEquals(
          "granary: cannot show remote site-b: remote site-b does not exist\n", gone.err());
    }
  }

  /** {@code granary remote add NAME --url URL --token-file FILE EXTRA...}. */
  private static Cli.Result add(
      Cli cli, String name, String url, String tokenFile, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("remote", "add", name, "--url", url, "--token-file", tokenFile));
    args.addAll(List.of(extra));
    return cli.run(args.toArray(String[]::new));
  }

  /** A refused {@code remote add} of "bad": its exit code, its message, and nothing kept. */
  private void refusedKeepingNothing(Cli.Result r, int exit, String err, Path remotes)
      throws Exception {
    assertEquals(exit, r.exit(), r.toString());
    assertEquals(err, r.err());
    assertFalse(Files.exists(remotes.resolve("bad.json")), "nothing kept");
    assertFalse(Files.exists(remotes.resolve("bad.token")), "no token kept");
  }
}
