package io.granary.dedupe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps DESIGN.md's dependency rule true for this module: the chunk store imports no other
 * Granary module, and its {@code api} package reaches into the implementation only through
 * the factory.
 */
class ModuleBoundaryTest {
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.granary\\.[\\w.]+);",
      Pattern.MULTILINE);
  private static final Path MAIN = Path.of("src/main/java/io/granary/dedupe");

  @Test
  void importsNoOtherGranaryModule() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path file : sources(MAIN)) {
      for (String imp : imports(file)) {
        if (!imp.startsWith("io.granary.dedupe.")) {
          bad.add(file + " imports " + imp);
        }
      }
    }
    assertEquals(List.of(), bad);
  }

  @Test
  void theApiReachesTheImplementationOnlyThroughItsFactory() throws IOException {
    List<String> bad = new ArrayList<>();
    List<Path> api = sources(MAIN.resolve("api"));
    assertTrue(api.size() > 10, "found the api sources");
    for (Path file : api) {
      for (String imp : imports(file)) {
        boolean ok = imp.startsWith("io.granary.dedupe.api.")
            || (file.endsWith("ChunkStores.java") && imp.equals("io.granary.dedupe.store.LocalChunkStore"));
        if (!ok) {
          bad.add(file + " imports " + imp);
        }
      }
    }
    assertEquals(List.of(), bad);
  }

  private static List<Path> sources(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  private static List<String> imports(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m = IMPORT.matcher(Files.readString(file));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
