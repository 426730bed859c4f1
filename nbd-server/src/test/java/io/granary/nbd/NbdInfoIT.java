package io.granary.nbd;

import static io.granary.nbd.testing.NbdClients.describe;
import static io.granary.nbd.testing.NbdClients.listed;
import static io.granary.nbd.testing.NbdClients.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.ExternalTool;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What libnbd's nbdinfo learns in the handshake: the export list with descriptions, each
 * export's size, flags, block sizes and meta contexts, for a volume and for its snapshot; over
 * TCP and over the Unix socket; and for a volume created after the server started.
 */
class NbdInfoIT {
  private static final long SIZE = 64L << 20;

  @TempDir Path tmp;
  private TestExports exports;
  private NbdServer server;

  @BeforeEach
  void start() throws Exception {
    ExternalTool.require("nbdinfo");
    exports = new TestExports(tmp);
    exports.create("vol", SIZE);
    exports.create("small", 1 << 20);
    exports.volumes().snapshot("vol", "snap");
    server = exports.serve();
  }

  @AfterEach
  void stop() throws Exception {
    if (exports != null) {
      exports.close();
    }
  }

  @Test
  void listShowsEveryExportWithItsDescription() throws Exception {
    String out =
        run("nbdinfo", "--list", "nbd://127.0.0.1:" + TestExports.port(server)).ok().stdout();

    assertEquals(List.of("test/small", "test/vol", "test/vol@snap"), sorted(listed(out)), out);
    assertTrue(out.contains("description: volume vol"), out);
    assertTrue(out.contains("description: volume small"), out);
    assertTrue(out.contains("description: snapshot snap of vol"), out);
    assertTrue(out.contains("export-size: " + SIZE), out);
  }

  @Test
  void aVolumeOffersEveryWriteFeatureAndItsBlockSize() throws Exception {
    JsonNode e = describe(TestExports.uri(server, "test/vol"));

    assertEquals("test/vol", e.get("export-name").asText());
    assertEquals(SIZE, e.get("export-size").asLong());
    assertFalse(e.get("is_read_only").asBoolean());
    assertFalse(e.get("is_rotational").asBoolean());
    for (String can :
        List.of(
            "can_flush",
            "can_fua",
            "can_trim",
            "can_zero",
            "can_fast_zero",
            "can_multi_conn",
            "can_cache",
            "can_df")) {
      assertTrue(e.get(can).asBoolean(), can + " in " + e);
    }
    assertEquals(1, e.get("block_size_minimum").asInt());
    assertEquals(16384, e.get("block_size_preferred").asInt(), "the volume's block size");
    assertEquals(32 << 20, e.get("block_size_maximum").asInt());
    assertTrue(texts(e.get("contexts")).contains("base:allocation"), e.toString());
  }

  @Test
  void aSnapshotIsReadOnlyAndCannotBeTrimmed() throws Exception {
    JsonNode e = describe(TestExports.uri(server, "test/vol@snap"));

    assertEquals(SIZE, e.get("export-size").asLong());
    assertTrue(e.get("is_read_only").asBoolean(), e.toString());
    assertFalse(e.get("can_trim").asBoolean(), e.toString());
    assertFalse(e.get("can_zero").asBoolean(), e.toString());
    assertTrue(texts(e.get("contexts")).contains("base:allocation"), e.toString());
  }

  @Test
  void anUnknownExportIsRefusedByName() throws Exception {
    ExternalTool.Result r = run("nbdinfo", TestExports.uri(server, "test/nosuch"));

    assertNotEquals(0, r.exit());
    assertTrue(r.stderr().contains("No such file or directory"), r.stderr());
  }

  @Test
  void aVolumeCreatedWhileServingIsReachableAtOnce() throws Exception {
    exports.create("late", 3 << 20);

    assertEquals(
        3 << 20, describe(TestExports.uri(server, "test/late")).get("export-size").asLong());
    String out =
        run("nbdinfo", "--list", "nbd://127.0.0.1:" + TestExports.port(server)).ok().stdout();
    assertTrue(listed(out).contains("test/late"), out);
  }

  @Test
  void theUnixSocketServesTheSameExports() throws Exception {
    Path socket = tmp.resolve("nbd.sock");
    exports.serve(
        NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0)).withUnixSocket(socket));

    JsonNode e = describe("nbd+unix:///test/vol?socket=" + socket);
    assertEquals(SIZE, e.get("export-size").asLong());
    String out = run("nbdinfo", "--list", "nbd+unix://?socket=" + socket).ok().stdout();
    assertTrue(listed(out).contains("test/vol@snap"), out);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> sorted(List<String> names) {
    return names.stream().sorted().toList();
  }
}
