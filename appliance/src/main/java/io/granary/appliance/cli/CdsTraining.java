package io.granary.appliance.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The calls a build makes so that bin/granary starts fast: run in one JVM under
 * {@code -XX:DumpLoadedClassList}, they name the classes (picocli's model and help, Jackson, the
 * HTTP exchange, tables, the error paths) that {@code -Xshare:dump} then puts in the class-data
 * archive the launcher maps. The daemon calls go to a stub on a temporary socket that answers
 * canned JSON, so no granaryd is needed. Not a command; it exits 1 if a call did not end as
 * expected (the archive would then miss that call's classes).
 */
public final class CdsTraining {
  /** Canned answers by request target; anything else is a 404 problem. */
  private static final Map<String, String> ANSWERS =
      Map.of(
          "/api/v1/pools",
              "[{\"name\":\"default\",\"path\":\"/srv/g/pools/default\","
                  + "\"profile\":\"default\",\"volumes\":1,\"capacityBytes\":1099511627776,"
                  + "\"storedBytes\":1048576,\"usedPercent\":0.0,\"alert\":\"ok\","
                  + "\"provisionedBytes\":10737418240}]",
          "/api/v1/pools/default/volumes",
              "[{\"pool\":\"default\",\"name\":\"vm1\","
                  + "\"size\":10737418240,\"blockSize\":16384,\"codec\":\"lz4\",\"profile\":\"default\","
                  + "\"dedupe\":true,\"origin\":null,\"snapshots\":0,"
                  + "\"created\":\"2026-01-01T00:00:00Z\",\"modified\":\"2026-01-01T00:00:00Z\","
                  + "\"openHandles\":0}]");

  private static final String NOT_FOUND =
      "{\"type\":\"https://granary.io/problems/not-found\","
          + "\"title\":\"not found\",\"status\":404,\"detail\":\"volume nope does not exist\"}";

  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("granary-cds-training");
    Path socket = dir.resolve("admin.sock");
    List<String> failed = new ArrayList<>();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread stub = new Thread(() -> serve(server), "stub-granaryd");
      stub.setDaemon(true);
      stub.start();
      PrintStream none = new PrintStream(OutputStream.nullOutputStream());
      System.setOut(none);
      System.setErr(none);
      String data = dir.toString();
      call(failed, 0, "version");
      call(failed, 0, "--help");
      call(failed, 0, "volume", "--help");
      call(failed, 0, "volume", "create", "--help");
      call(failed, 2, "volume", "list", "--no-such-option");
      call(failed, 0, "--data", data, "volume", "list");
      call(failed, 0, "volume", "list", "-H", "-p", "--data", data);
      call(failed, 0, "volume", "list", "--json", "--data", data);
      call(failed, 0, "pool", "list", "--data", data);
      call(failed, 1, "volume", "show", "default/nope", "--data", data);
      call(failed, 1, "volume", "list", "--data", dir.resolve("nowhere").toString());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
    if (!failed.isEmpty()) {
      System.err.println("granary: cannot train the class-data archive: " + failed);
      System.exit(1);
    }
  }

  private static void call(List<String> failed, int expected, String... args) {
    int exit = Granary.commandLineFor(args).execute(args);
    if (exit != expected) {
      failed.add(String.join(" ", args) + " exited " + exit + ", not " + expected);
    }
  }

  /** The stub granaryd: one request per connection, as {@link ApiClient} makes them. */
  private static void serve(ServerSocketChannel server) {
    while (server.isOpen()) {
      try (SocketChannel c = server.accept()) {
        String target = target(c);
        String body = ANSWERS.get(target);
        boolean found = body != null;
        byte[] b = (found ? body : NOT_FOUND).getBytes(StandardCharsets.UTF_8);
        c.write(
            ByteBuffer.wrap(
                ("HTTP/1.1 "
                        + (found ? "200 OK" : "404 Not Found")
                        + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: "
                        + b.length
                        + "\r\n"
                        + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
        c.write(ByteBuffer.wrap(b));
      } catch (IOException | RuntimeException e) {
        // the server closed (training is over), or a call went away: serve the next one
      }
    }
  }

  /** The request target of the request on {@code c}, read up to the end of its headers. */
  private static String target(SocketChannel c) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(64 << 10);
    String head = "";
    while (!head.contains("\r\n\r\n") && in.hasRemaining() && c.read(in) >= 0) {
      head = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
    }
    return head.split(" ", 3)[1];
  }
}
