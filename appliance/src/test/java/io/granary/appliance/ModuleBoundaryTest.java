package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.testing.ImportRules;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The appliance wires the modules through their APIs only (DESIGN.md, STYLE.md). */
class ModuleBoundaryTest {
  @Test
  void usesOtherModulesOnlyThroughTheirApis() throws Exception {
    assertEquals(List.of(), ImportRules.violations(Path.of("src/main/java/io/granary/appliance"),
        30, (file, imp) -> imp.startsWith("io.granary.appliance.")
            || imp.startsWith("io.granary.dedupe.api.")
            || imp.startsWith("io.granary.snapshots.api.")
            || imp.startsWith("io.granary.nbd.api.")
            || imp.startsWith("io.granary.fuse.api.")));
  }
}
