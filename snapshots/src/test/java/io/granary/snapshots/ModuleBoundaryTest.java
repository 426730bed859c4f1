package io.granary.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ImportRules;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * Keeps DESIGN.md's dependency rule true: the volume layer uses only the chunk store's API,
 * and its own API reaches into the implementation only through its factory. Its tests reach the
 * chunk store through its API and its test seam only.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/io/granary/snapshots");
  private static final Path TEST = Path.of("src/test/java");
  private static final BiPredicate<Path, String> TEST_RULE =
      ImportRules.testCode("io.granary.snapshots", "io.granary.dedupe");

  @Test
  void usesOnlyTheChunkStoreApi() throws Exception {
    assertEquals(
        List.of(),
        ImportRules.violations(
            MAIN,
            20,
            (file, imp) ->
                imp.startsWith("io.granary.snapshots.")
                    || imp.startsWith("io.granary.dedupe.api.")));
  }

  @Test
  void theApiReachesTheImplementationOnlyThroughItsFactory() throws Exception {
    assertEquals(
        List.of(),
        ImportRules.violations(
            MAIN.resolve("api"),
            10,
            (file, imp) ->
                imp.startsWith("io.granary.snapshots.api.")
                    || imp.startsWith("io.granary.dedupe.api.")
                    || (file.endsWith("VolumeStores.java")
                        && imp.equals("io.granary.snapshots.volume.DefaultVolumeStore"))));
  }

  @Test
  void testsUseTheChunkStoreOnlyThroughItsApiAndTestSeam() throws Exception {
    assertEquals(List.of(), ImportRules.violations(TEST, 20, TEST_RULE));
  }

  @Test
  void theTestRuleRejectsTheChunkStoresInternals() {
    assertTrue(TEST_RULE.test(TEST, "io.granary.dedupe.testing.FaultyMedium"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.dedupe.store.LocalChunkStore"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.nbd.api.NbdServer"));
  }
}
