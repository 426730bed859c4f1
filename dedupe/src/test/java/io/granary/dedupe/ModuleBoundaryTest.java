package io.granary.dedupe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ImportRules;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * Keeps DESIGN.md's dependency rule true for this module: the chunk store imports no other
 * Granary module, and its {@code api} package reaches into the implementation only through
 * the factory (the store and its media). Its tests name no other module either, test-support
 * aside.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/io/granary/dedupe");
  private static final Path TEST = Path.of("src/test/java");
  private static final BiPredicate<Path, String> TEST_RULE =
      ImportRules.testCode("io.granary.dedupe");

  /** What the factory opens: the store, and the media its packs may live on. */
  private static final Set<String> FACTORY_REACHES =
      Set.of(
          "io.granary.dedupe.store.LocalChunkStore",
          "io.granary.dedupe.pack.LocalPackMedium",
          "io.granary.dedupe.objectstore.ObjectStorePackMedium");

  @Test
  void importsNoOtherGranaryModule() throws Exception {
    assertEquals(
        List.of(),
        ImportRules.violations(MAIN, 20, (file, imp) -> imp.startsWith("io.granary.dedupe.")));
  }

  @Test
  void theApiReachesTheImplementationOnlyThroughItsFactory() throws Exception {
    assertEquals(
        List.of(),
        ImportRules.violations(
            MAIN.resolve("api"),
            10,
            (file, imp) ->
                imp.startsWith("io.granary.dedupe.api.")
                    || (file.endsWith("ChunkStores.java") && FACTORY_REACHES.contains(imp))));
  }

  @Test
  void testsNameNoOtherModule() throws Exception {
    assertEquals(List.of(), ImportRules.violations(TEST, 20, TEST_RULE));
  }

  @Test
  void theTestRuleRejectsAnotherModule() {
    assertTrue(TEST_RULE.test(TEST, "io.granary.testing.TestData"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.snapshots.api.Volume"));
  }
}
