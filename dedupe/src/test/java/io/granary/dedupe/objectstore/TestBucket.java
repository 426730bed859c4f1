package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.testing.S3TestClients;
import io.granary.testing.S3Proxy;
import java.nio.file.Path;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;

/** A bucket on a real S3 server (s3proxy, out of process) for one test class. */
final class TestBucket implements AutoCloseable {
  static final String NAME = "granary-test";

  final S3Proxy server;

  private TestBucket(S3Proxy server) {
    this.server = server;
  }

  static TestBucket start(Path directory) throws Exception {
    S3Proxy server = S3Proxy.start(directory);
    try (S3Client s3 = client(server)) {
      s3.createBucket(r -> r.bucket(NAME));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return new TestBucket(server);
  }

  static S3Client client(S3Proxy server) {
    return S3TestClients.of(server);
  }

  /** A pool's configuration with a prefix of its own, so tests do not see each other's packs. */
  ObjectStoreConfig pool(long cacheBytes) {
    return new ObjectStoreConfig(
        server.endpoint(),
        "us-east-1",
        NAME,
        "pool-" + UUID.randomUUID() + "/",
        true,
        new ObjectStoreConfig.Credentials.Keys(S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY),
        cacheBytes);
  }

  @Override
  public void close() throws InterruptedException {
    server.close();
  }
}
