package io.granary.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ImportRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * Keeps DESIGN.md's layering true inside the NBD front end: only the volume API from below,
 * pure protocol codecs, a session layer that knows nothing of Netty, and an API that reaches
 * the implementation only through its factory. Its tests reach the layers below through their
 * APIs and test seams only.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/io/granary/nbd");
  private static final Path TEST = Path.of("src/test/java");
  private static final BiPredicate<Path, String> TEST_RULE =
      ImportRules.testCode("io.granary.nbd", "io.granary.snapshots", "io.granary.dedupe");

  @Test
  void usesOnlyTheVolumeApiAndNetty() throws Exception {
    assertEquals(
        List.of(),
        violations(
            MAIN,
            40,
            (file, imp) ->
                jdk(imp)
                    || imp.startsWith("io.granary.nbd.")
                    || imp.startsWith("io.granary.snapshots.api.")
                    || imp.startsWith("io.netty.")
                    // The one zero test (a pure function on bytes), for reads answered as holes.
                    || (file.endsWith("ReadReply.java")
                        && imp.equals("io.granary.dedupe.api.Zeroes"))));
  }

  @Test
  void theProtocolCodecsArePure() throws Exception {
    assertEquals(
        List.of(),
        violations(
            MAIN.resolve("protocol"),
            20,
            (file, imp) -> imp.startsWith("java.") || imp.startsWith("io.granary.nbd.protocol.")));
  }

  @Test
  void theSessionLayerKnowsNothingOfTheTransport() throws Exception {
    assertEquals(
        List.of(),
        violations(
            MAIN.resolve("session"),
            20,
            (file, imp) ->
                !imp.startsWith("io.netty.") && !imp.startsWith("io.granary.nbd.transport.")));
  }

  @Test
  void theApiReachesTheImplementationOnlyThroughItsFactory() throws Exception {
    assertEquals(
        List.of(),
        violations(
            MAIN.resolve("api"),
            7,
            (file, imp) ->
                jdk(imp)
                    || imp.startsWith("io.granary.nbd.api.")
                    || imp.startsWith("io.granary.snapshots.api.")
                    || (file.endsWith("NbdServers.java")
                        && imp.equals("io.granary.nbd.transport.NettyNbdServer"))));
  }

  @Test
  void aForbiddenImportIsReported() throws Exception {
    // The scanner itself must be able to fail: Netty is imported by the transport.
    assertFalse(
        violations(MAIN.resolve("transport"), 3, (file, imp) -> !imp.startsWith("io.netty."))
            .isEmpty());
  }

  @Test
  void testsUseTheLayersBelowOnlyThroughTheirApisAndTestSeams() throws Exception {
    assertEquals(List.of(), ImportRules.violations(TEST, 50, TEST_RULE));
  }

  @Test
  void theTestRuleRejectsTheInternalsBelowAndTheOtherFrontEnd() {
    assertTrue(TEST_RULE.test(TEST, "io.granary.snapshots.testing.TestPool"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.dedupe.pack.RecordHeader"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.snapshots.volume.DefaultVolumeStore"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.fuse.api.FuseMount"));
  }

  private static boolean jdk(String imp) {
    // jdk.net: the JDK's Linux socket options (TCP_QUICKACK).
    return imp.startsWith("java.") || imp.startsWith("javax.") || imp.startsWith("jdk.net.");
  }

  private static List<String> violations(Path dir, int atLeast, BiPredicate<Path, String> allowed)
      throws IOException {
    return ImportRules.anyImportViolations(dir, atLeast, allowed);
  }
}
