package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ImportRules;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's rule for the FUSE front end: only the volume API from below, and the binding
 * (jnr-fuse) confined to its package so that another binding can replace it. Its tests reach
 * the layers below through their APIs and test seams only.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/io/granary/fuse");
  private static final Path TEST = Path.of("src/test/java");
  private static final BiPredicate<Path, String> TEST_RULE =
      ImportRules.testCode("io.granary.fuse", "io.granary.snapshots", "io.granary.dedupe");

  @Test
  void usesOnlyTheVolumeApi() throws Exception {
    assertEquals(
        List.of(),
        ImportRules.violations(
            MAIN,
            10,
            (file, imp) ->
                imp.startsWith("io.granary.fuse.") || imp.startsWith("io.granary.snapshots.api.")));
  }

  @Test
  void theFileSystemKnowsNoBinding() throws Exception {
    assertEquals(
        List.of(),
        ImportRules.violations(
            MAIN.resolve("fs"),
            5,
            (file, imp) ->
                imp.startsWith("io.granary.fuse.fs.")
                    || imp.startsWith("io.granary.fuse.api.")
                    || imp.startsWith("io.granary.snapshots.api.")));
    for (String pkg : List.of("fs", "api")) {
      assertEquals(
          List.of(),
          ImportRules.anyImportViolations(
              MAIN.resolve(pkg),
              3,
              (file, imp) -> !imp.startsWith("jnr.") && !imp.startsWith("ru.serce.")),
          "jnr-fuse is used outside io.granary.fuse.binding");
    }
  }

  @Test
  void testsUseTheLayersBelowOnlyThroughTheirApisAndTestSeams() throws Exception {
    assertEquals(List.of(), ImportRules.violations(TEST, 8, TEST_RULE));
  }

  @Test
  void theTestRuleRejectsTheInternalsBelowAndTheOtherFrontEnd() {
    assertTrue(TEST_RULE.test(TEST, "io.granary.dedupe.testing.StoredChunks"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.dedupe.store.LocalChunkStore"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.nbd.testing.RawNbdClient"));
  }
}
