package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.testing.ImportRules;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's rule for the FUSE front end: only the volume API from below, and the binding
 * (jnr-fuse) confined to its package so that another binding can replace it.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/io/granary/fuse");

  @Test
  void usesOnlyTheVolumeApi() throws Exception {
    assertEquals(List.of(), ImportRules.violations(MAIN, 10,
        (file, imp) -> imp.startsWith("io.granary.fuse.") || imp.startsWith("io.granary.snapshots.api.")));
  }

  @Test
  void theFileSystemKnowsNoBinding() throws Exception {
    assertEquals(List.of(), ImportRules.violations(MAIN.resolve("fs"), 5,
        (file, imp) -> imp.startsWith("io.granary.fuse.fs.") || imp.startsWith("io.granary.fuse.api.")
            || imp.startsWith("io.granary.snapshots.api.")));
    for (String pkg : List.of("fs", "api")) {
      assertEquals(List.of(), ImportRules.anyImportViolations(MAIN.resolve(pkg), 3,
          (file, imp) -> !imp.startsWith("jnr.") && !imp.startsWith("ru.serce.")),
          "jnr-fuse is used outside io.granary.fuse.binding");
    }
  }
}
