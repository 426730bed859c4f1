package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ImportRules;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * The appliance wires the modules through their APIs only (DESIGN.md, STYLE.md); its tests use
 * them through their APIs and test seams only.
 */
class ModuleBoundaryTest {
  private static final Path TEST = Path.of("src/test/java");
  private static final BiPredicate<Path, String> TEST_RULE =
      ImportRules.testCode(
          "io.granary.appliance",
          "io.granary.nbd",
          "io.granary.fuse",
          "io.granary.snapshots",
          "io.granary.dedupe");

  @Test
  void usesOtherModulesOnlyThroughTheirApis() throws Exception {
    assertEquals(
        List.of(),
        ImportRules.violations(
            Path.of("src/main/java/io/granary/appliance"),
            30,
            (file, imp) ->
                imp.startsWith("io.granary.appliance.")
                    || imp.startsWith("io.granary.dedupe.api.")
                    || imp.startsWith("io.granary.snapshots.api.")
                    || imp.startsWith("io.granary.nbd.api.")
                    || imp.startsWith("io.granary.fuse.api.")));
  }

  @Test
  void testsUseTheModulesOnlyThroughTheirApisAndTestSeams() throws Exception {
    assertEquals(List.of(), ImportRules.violations(TEST, 40, TEST_RULE));
  }

  @Test
  void theTestRuleRejectsTheModulesInternals() {
    assertTrue(TEST_RULE.test(TEST, "io.granary.nbd.testing.RawNbdClient"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.nbd.protocol.NbdCommand"));
    assertFalse(TEST_RULE.test(TEST, "io.granary.dedupe.pack.RecordHeader"));
  }
}
