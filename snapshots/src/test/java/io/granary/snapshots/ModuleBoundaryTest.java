package io.granary.snapshots;

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
 * Keeps DESIGN.md's dependency rule true: the volume layer uses only the chunk store's API,
 * and its own API reaches into the implementation only through its factory.
 */
class ModuleBoundaryTest {
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.granary\\.[\\w.]+);",
      Pattern.MULTILINE);
  private static final Path MAIN = Path.of("src/main/java/io/granary/snapshots");

  @Test
  void usesOnlyTheChunkStoreApi() throws IOException {
    List<String> bad = new ArrayList<>();
    List<Path> files = sources(MAIN);
    assertTrue(files.size() > 20);
    for (Path f : files) {
      for (String imp : imports(f)) {
        if (!imp.startsWith("io.granary.snapshots.") && !imp.startsWith("io.granary.dedupe.api.")) {
          bad.add(f + " imports " + imp);
        }
      }
    }
    assertEquals(List.of(), bad);
  }

  @Test
  void theApiReachesTheImplementationOnlyThroughItsFactory() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path f : sources(MAIN.resolve("api"))) {
      for (String imp : imports(f)) {
        boolean ok = imp.startsWith("io.granary.snapshots.api.") || imp.startsWith("io.granary.dedupe.api.")
            || (f.endsWith("VolumeStores.java") && imp.equals("io.granary.snapshots.volume.DefaultVolumeStore"));
        if (!ok) {
          bad.add(f + " imports " + imp);
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
