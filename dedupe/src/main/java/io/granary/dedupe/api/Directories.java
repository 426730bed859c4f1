package io.granary.dedupe.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deletes directory trees: a rebuilt index, a deleted volume's journal, a deleted pool, what a
 * failed pool creation made. The one recursive delete, at the bottom of the module graph so
 * that every layer uses it.
 */
public final class Directories {
  private Directories() {}

  /**
   * Deletes {@code dir} and everything under it, deepest first; nothing when it is absent. Stops
   * at the first file that cannot be deleted, with that file's error.
   */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> deepestFirst;
    try (Stream<Path> paths = Files.walk(dir)) {
      deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path p : deepestFirst) {
      Files.delete(p);
    }
  }
}
