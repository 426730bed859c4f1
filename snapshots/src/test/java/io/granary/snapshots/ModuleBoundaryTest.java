package io.granary.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.testing.ImportRules;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps DESIGN.md's dependency rule true: the volume layer uses only the chunk store's API,
 * and its own API reaches into the implementation only through its factory.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/io/granary/snapshots");

  @Test
  void usesOnlyTheChunkStoreApi() throws Exception {
    assertEquals(List.of(), ImportRules.violations(MAIN, 20,
        (file, imp) -> imp.startsWith("io.granary.snapshots.")
            || imp.startsWith("io.granary.dedupe.api.")));
  }

  @Test
  void theApiReachesTheImplementationOnlyThroughItsFactory() throws Exception {
    assertEquals(List.of(), ImportRules.violations(MAIN.resolve("api"), 10,
        (file, imp) -> imp.startsWith("io.granary.snapshots.api.")
            || imp.startsWith("io.granary.dedupe.api.")
            || (file.endsWith("VolumeStores.java")
                && imp.equals("io.granary.snapshots.volume.DefaultVolumeStore"))));
  }
}
