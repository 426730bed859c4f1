package io.granary.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Test support sits below every module: its code, and its tests, name no Granary module. */
class ModuleBoundaryTest {
  @Test
  void namesNoGranaryModule() throws Exception {
    assertEquals(
        List.of(),
        ImportRules.violations(
            Path.of("src/main/java"), 8, ImportRules.testCode("io.granary.testing")));
    assertEquals(
        List.of(),
        ImportRules.violations(
            Path.of("src/test/java"), 2, ImportRules.testCode("io.granary.testing")));
  }
}
