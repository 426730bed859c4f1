package io.granary.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks which Granary packages a module's sources import, for the per-module tests that keep
 * DESIGN.md's dependency rule true (Java 17 without JPMS cannot hide public classes).
 */
public final class ImportRules {
  private static final Pattern GRANARY_IMPORT =
      Pattern.compile("^import (?:static )?(io\\.granary\\.[\\w.]+);", Pattern.MULTILINE);
  private static final Pattern ANY_IMPORT =
      Pattern.compile("^import (?:static )?([\\w.]+)(?:\\.\\*)?;", Pattern.MULTILINE);

  private ImportRules() {}

  /**
   * Every Granary import under {@code dir} that {@code allowed} (file, imported name) rejects,
   * as "FILE imports NAME" lines. Fails if {@code dir} holds fewer than {@code atLeast} sources,
   * so a moved directory cannot make the check pass vacuously.
   */
  public static List<String> violations(Path dir, int atLeast, BiPredicate<Path, String> allowed)
      throws IOException {
    return violations(GRANARY_IMPORT, dir, atLeast, allowed);
  }

  /** The same over every import, the JDK's and libraries' too (to confine a library). */
  public static List<String> anyImportViolations(Path dir, int atLeast,
      BiPredicate<Path, String> allowed) throws IOException {
    return violations(ANY_IMPORT, dir, atLeast, allowed);
  }

  private static List<String> violations(Pattern imports, Path dir, int atLeast,
      BiPredicate<Path, String> allowed) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    if (files.size() < atLeast) {
      throw new AssertionError("expected at least " + atLeast + " sources in " + dir + ", found "
          + files.size());
    }
    List<String> bad = new ArrayList<>();
    for (Path f : files) {
      Matcher m = imports.matcher(Files.readString(f));
      while (m.find()) {
        if (!allowed.test(f, m.group(1))) {
          bad.add(f + " imports " + m.group(1));
        }
      }
    }
    return bad;
  }
}
