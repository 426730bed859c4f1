package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that try to leave the data directory, through the CLI, the admin API (encoded or not)
 * and NBD export names: every one is refused with a clear error, nothing is created outside
 * the data directory, and the daemon serves on.
 */
class HostileNamesIT {
  private static final List<String> HOSTILE =
      List.of(
          "..",
          ".",
          "../escape",
          "a/../../escape",
          "/etc/escape",
          "..%2F..%2Fescape",
          "a\u0000b",
          "-rf",
          ".hidden",
          "x".repeat(129),
          "café",
          "a b",
          "a\nb");

  @TempDir Path tmp;
  private DaemonProcess daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void namesCannotLeaveTheDataDirectory() throws Exception {
    ExternalTool.require("nbdinfo", "curl");
    int port = FreePort.pick();
    Path data = tmp.resolve("data");
    daemon = new DaemonProcess(data).start("--nbd-listen", "127.0.0.1:" + port);
    Cli cli = new Cli(data);
    cli.ok("volume", "create", "default/vm", "--size", "1M");
    cli.ok("snapshot", "create", "default/vm@s1");
    Set<String> outside = filesOutside(data);
    int refused = 0;

    for (String bad : HOSTILE) {
      for (String[] args :
          List.of(
              new String[] {"pool", "create", bad, "--capacity", "1G"},
              new String[] {"volume", "create", "default/" + bad, "--size", "1M"},
              new String[] {"volume", "create", bad + "/vm", "--size", "1M"},
              new String[] {"snapshot", "create", "default/vm@" + bad},
              new String[] {"volume", "clone", "default/vm@s1", "default/" + bad},
              new String[] {"volume", "rename", "default/vm", "default/" + bad},
              new String[] {"profile", "create", bad})) {
        Cli.Result r = cli.run(args);
        assertNotEquals(0, r.exit(), String.join(" ", args) + " was accepted");
        assertTrue(
            r.err().startsWith("granary: ") && !r.err().contains("Exception"),
            "a clear message, no stack trace: " + r.err());
        refused++;
      }
      String enc = URLEncoder.encode(bad, StandardCharsets.UTF_8);
      for (String[] call :
          List.of(
              new String[] {
                "POST", "/api/v1/pools", "{\"name\":" + json(bad) + ",\"capacity\":1073741824}"
              },
              new String[] {
                "POST",
                "/api/v1/pools/default/volumes",
                "{\"name\":" + json(bad) + ",\"size\":1048576}"
              },
              new String[] {
                "POST", "/api/v1/pools/" + enc + "/volumes", "{\"name\":\"vm2\",\"size\":1048576}"
              },
              new String[] {"GET", "/api/v1/pools/default/volumes/" + enc, null},
              new String[] {
                "POST", "/api/v1/pools/default/volumes/vm/snapshots", "{\"name\":" + json(bad) + "}"
              })) {
        String status =
            SocketCurl.call(List.of(), data.resolve("admin.sock"), call[0], call[1], call[2]);
        assertTrue(
            status.startsWith("4"), call[0] + " " + call[1] + " " + call[2] + " -> " + status);
        refused++;
      }
      for (String export : List.of("default/" + bad, bad + "/vm", "default/vm@" + bad, bad)) {
        if (export.contains("\u0000") || export.contains("\n")) {
          continue; // not expressible in a URI
        }
        var r =
            ExternalTool.run(
                30,
                "nbdinfo",
                "nbd://127.0.0.1:"
                    + port
                    + "/"
                    + URLEncoder.encode(export, StandardCharsets.UTF_8).replace("%2F", "/"));
        assertNotEquals(0, r.exit(), "export " + export + " was opened");
        refused++;
      }
    }

    assertEquals(outside, filesOutside(data), "nothing appeared outside the data directory");
    assertFalse(Files.exists(Path.of("/etc/escape")));
    try (Stream<Path> all = Files.walk(data)) {
      assertTrue(
          all.noneMatch(p -> p.getFileName().toString().contains("escape")),
          "no file of a hostile name inside it either");
    }
    assertEquals("default/vm", cli.ok("volume", "list", "-H").out().split("\t")[0]);
    assertEquals(
        0,
        ExternalTool.run(30, "nbdinfo", "--size", "nbd://127.0.0.1:" + port + "/default/vm").exit(),
        "the daemon serves on");
    System.out.println("hostile names: " + refused + " attempts refused, nothing created");
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || c == '"' || c == '\\' ? String.format("\\u%04x", (int) c) : c);
    }
    return b.append('"').toString();
  }

  /** Every path under the test directory but outside the data directory. */
  private Set<String> filesOutside(Path data) throws Exception {
    try (Stream<Path> all = Files.walk(tmp)) {
      return all.filter(p -> !p.startsWith(data))
          .map(Path::toString)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
