package io.granary.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: s3proxy's jar-with-dependencies in a JVM of its own (its many
 * libraries never reach a test's classpath), keeping its buckets in a directory of the test's,
 * on a free port. Maven copies the jar into the module's {@code target/} and names it in the
 * system property {@code granary.s3proxy.jar}; without it the test is skipped, and fails in CI.
 *
 * <p>Stopped by pid ({@link #close}); {@link #kill} and {@link #start} again let a test take the
 * server away under load and bring it back on the same port with the same buckets.
 */
public final class S3Proxy implements AutoCloseable {
  public static final String ACCESS_KEY = "granary-test-access";
  public static final String SECRET_KEY = "granary-test-secret";

  private final Path jar;
  private final Path directory;
  private final int port;
  private Process process;

  private S3Proxy(Path jar, Path directory, int port) {
    this.jar = jar;
    this.directory = directory;
    this.port = port;
  }

  /** Starts a server keeping its buckets under {@code directory}; skips without the jar. */
  public static S3Proxy start(Path directory) throws IOException, InterruptedException {
    String jar = System.getProperty("granary.s3proxy.jar");
    Requirements.require(
        jar != null && Files.isRegularFile(Path.of(jar)),
        "s3proxy's jar (the system property granary.s3proxy.jar, set by the module's pom)");
    S3Proxy s = new S3Proxy(Path.of(jar), directory, FreePort.pick());
    s.start();
    return s;
  }

  /** Starts the server (again, after {@link #kill}), and waits until it takes connections. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("s3proxy is running");
    }
    Path blobs = Files.createDirectories(directory.resolve("blobs"));
    Path conf = directory.resolve("s3proxy.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem-nio2",
            "jclouds.filesystem.basedir=" + blobs,
            ""));
    String java = ProcessHandle.current().info().command().orElse("java");
    process =
        new ProcessBuilder(
                List.of(java, "-Xmx512m", "-jar", jar.toString(), "--properties", conf.toString()))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(directory.resolve("s3proxy.log").toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!answers()) {
      if (!process.isAlive()) {
        throw new IOException(
            "s3proxy exited with "
                + process.exitValue()
                + ": "
                + Files.readString(directory.resolve("s3proxy.log")));
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IOException("s3proxy did not listen on port " + port + " within 60 s");
      }
      Thread.sleep(50);
    }
  }

  private boolean answers() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Kills the server at once (SIGKILL), as a crashed object store; {@link #start} brings it back. */
  public synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Stops the server by its pid. */
  @Override
  public synchronized void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
