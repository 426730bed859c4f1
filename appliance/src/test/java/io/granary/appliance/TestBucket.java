package io.granary.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.dedupe.testing.S3TestClients;
import io.granary.testing.S3Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket on a real S3 server (s3proxy, out of process, its objects plain files under {@code
 * DIR/s3}) and a credentials file for it ({@code DIR/s3.credentials}): what a daemon's pools on
 * an object store need, with the {@code granary pool create --s3 ...} words that make one.
 */
final class TestBucket implements AutoCloseable {
  static final String NAME = "granary-it";
  private static final ObjectMapper JSON = new ObjectMapper();

  final S3Proxy server;
  final Path credentials;
  private final Path directory;

  private TestBucket(S3Proxy server, Path directory, Path credentials) {
    this.server = server;
    this.directory = directory;
    this.credentials = credentials;
  }

  /** Starts the server on {@code DIR/s3}, makes the bucket and writes the credentials file. */
  static TestBucket start(Path dir) throws Exception {
    Path directory = Files.createDirectories(dir.resolve("s3"));
    S3Proxy server = S3Proxy.start(directory);
    try {
      try (S3Client c = client(server)) {
        c.createBucket(r -> r.bucket(NAME));
      }
      Path credentials = dir.resolve("s3.credentials");
      Files.writeString(
          credentials,
          "[default]\naws_access_key_id = "
              + S3Proxy.ACCESS_KEY
              + "\naws_secret_access_key = "
              + S3Proxy.SECRET_KEY
              + "\n");
      return new TestBucket(server, directory, credentials);
    } catch (Exception e) {
      server.close();
      throw e;
    }
  }

  private static S3Client client(S3Proxy server) {
    return S3TestClients.of(server);
  }

  /** A client of the bucket's server; the caller closes it. */
  S3Client client() {
    return client(server);
  }

  /** {@code --s3 URL --bucket NAME [--prefix PREFIX] --credentials FILE}; no prefix if null. */
  String[] args(String prefix) {
    Stream<String> s =
        Stream.of(
            "--s3",
            server.endpoint().toString(),
            "--bucket",
            NAME,
            "--credentials",
            credentials.toString());
    return (prefix == null ? s : Stream.concat(s, Stream.of("--prefix", prefix)))
        .toArray(String[]::new);
  }

  /**
   * {@code pool create POOL --capacity CAPACITY} on this bucket under {@code prefix} (none if
   * null), then {@code more} options.
   */
  String[] create(String pool, String capacity, String prefix, String... more) {
    return Stream.of(
            Stream.of("pool", "create", pool, "--capacity", capacity),
            Stream.of(args(prefix)),
            Stream.of(more))
        .flatMap(s -> s)
        .toArray(String[]::new);
  }

  /** The objects under {@code prefix}, in key order. */
  List<S3Object> objects(String prefix) {
    try (S3Client c = client()) {
      return c.listObjectsV2Paginator(r -> r.bucket(NAME).prefix(prefix)).contents().stream()
          .toList();
    }
  }

  /** The file in which the server keeps object {@code key}: damage it to damage the object. */
  Path file(String key) {
    return directory.resolve("blobs").resolve(NAME).resolve(key);
  }

  /** Deletes object {@code key} through the S3 API. */
  void delete(String key) {
    try (S3Client c = client()) {
      c.deleteObject(r -> r.bucket(NAME).key(key));
    }
  }

  /**
   * Waits until the pool has nothing left to upload and has put something into the bucket;
   * returns its {@code objectStore} view then.
   */
  static JsonNode uploaded(Cli cli, String pool) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      JsonNode s = JSON.readTree(cli.ok("pool", "show", pool, "--json").out()).get("objectStore");
      if (s.get("uploadBacklogBytes").asLong() == 0 && s.get("requests").get("put").asLong() > 0) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("uploads did not finish: " + s);
      }
      Thread.sleep(200);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.close();
  }
}
