package io.granary.appliance;

import io.granary.appliance.remote.TestKeyStore;
import io.granary.testing.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A data directory prepared for a daemon that other appliances replicate to: its admin API on
 * a TLS listener of its own ({@code host}'s self-signed certificate) with a token, and the
 * config file that says so. Starting the daemon is the test's.
 */
final class PeerSite {
  static final String TOKEN = "replication-test-token-0123456789";

  final Path data;
  final Path config;
  final int adminPort;

  private PeerSite(Path data, Path config, int adminPort) {
    this.data = data;
    this.config = config;
    this.adminPort = adminPort;
  }

  /** Prepares {@code data} (created if need be) and writes {@code config}. */
  static PeerSite prepare(Path data, Path config, String host) throws Exception {
    Files.createDirectories(data);
    TestKeyStore.create(data.resolve("admin.p12"), host);
    Files.writeString(data.resolve("admin.token"), TOKEN + "\n");
    int port = FreePort.pick();
    Files.writeString(
        config,
        "[admin]\ntcp = \"127.0.0.1:"
            + port
            + "\"\ntls-keystore = \"admin.p12\"\ntls-keystore-password = \""
            + TestKeyStore.PASSWORD
            + "\"\ntoken-file = \"admin.token\"\n");
    return new PeerSite(data, config, port);
  }

  /** A token file for {@code granary remote add --token-file}, at {@code file}. */
  static Path tokenFile(Path file) throws Exception {
    return Files.writeString(file, TOKEN + "\n");
  }
}
