package io.granary.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps DESIGN.md's layering true inside the NBD front end: only the volume API from below,
 * pure protocol codecs, a session layer that knows nothing of Netty, and an API that reaches
 * the implementation only through its factory.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/io/granary/nbd");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?([\\w.]+)(?:\\.\\*)?;", Pattern.MULTILINE);

  @Test
  void usesOnlyTheVolumeApiAndNetty() throws Exception {
    assertEquals(List.of(), violations(MAIN, 40,
        (file, imp) -> jdk(imp) || imp.startsWith("io.granary.nbd.")
            || imp.startsWith("io.granary.snapshots.api.") || imp.startsWith("io.netty.")));
  }

  @Test
  void theProtocolCodecsArePure() throws Exception {
    assertEquals(List.of(), violations(MAIN.resolve("protocol"), 20,
        (file, imp) -> imp.startsWith("java.") || imp.startsWith("io.granary.nbd.protocol.")));
  }

  @Test
  void theSessionLayerKnowsNothingOfTheTransport() throws Exception {
    assertEquals(List.of(), violations(MAIN.resolve("session"), 20,
        (file, imp) -> !imp.startsWith("io.netty.")
            && !imp.startsWith("io.granary.nbd.transport.")));
  }

  @Test
  void theApiReachesTheImplementationOnlyThroughItsFactory() throws Exception {
    assertEquals(List.of(), violations(MAIN.resolve("api"), 7,
        (file, imp) -> jdk(imp) || imp.startsWith("io.granary.nbd.api.")
            || imp.startsWith("io.granary.snapshots.api.")
            || (file.endsWith("NbdServers.java")
                && imp.equals("io.granary.nbd.transport.NettyNbdServer"))));
  }

  @Test
  void aForbiddenImportIsReported() throws Exception {
    // The scanner itself must be able to fail: Netty is imported by the transport.
    assertFalse(violations(MAIN.resolve("transport"), 3,
        (file, imp) -> !imp.startsWith("io.netty.")).isEmpty());
  }

  private static boolean jdk(String imp) {
    // jdk.net: the JDK's Linux socket options (TCP_QUICKACK).
    return imp.startsWith("java.") || imp.startsWith("javax.") || imp.startsWith("jdk.net.");
  }

  /** Every import under {@code dir} that {@code allowed} rejects, as "FILE imports NAME". */
  private static List<String> violations(Path dir, int atLeast, BiPredicate<Path, String> allowed)
      throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    if (files.size() < atLeast) {
      throw new AssertionError("expected at least " + atLeast + " sources in " + dir + ", found "
          + files.size());
    }
    List<String> bad = new ArrayList<>();
    for (Path f : files) {
      Matcher m = IMPORT.matcher(Files.readString(f));
      while (m.find()) {
        if (!allowed.test(f, m.group(1))) {
          bad.add(f + " imports " + m.group(1));
        }
      }
    }
    return bad;
  }
}
