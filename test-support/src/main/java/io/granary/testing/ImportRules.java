package io.granary.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks which Granary packages a module's sources import, for the per-module tests that keep
 * DESIGN.md's dependency rule true (Java 17 without JPMS cannot hide public classes), in its
 * main code and in its test code.
 */
public final class ImportRules {
  /** The helpers every module's tests may use: this package, test-support. */
  private static final String TEST_SUPPORT = "io.granary.testing";

  private static final Pattern ANY_GRANARY_IMPORT =
      Pattern.compile(
          "^import\\s+(?:static\\s+)?(io\\.granary(?:\\.\\w+)*)(?:\\.\\*)?\\s*;",
          Pattern.MULTILINE);

  /** A Granary type written out in full: lower-case packages, then a capitalised name. */
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("(?<![\\w.])io\\.granary(?:\\.[a-z_]\\w*)*\\.[A-Z]\\w*");

  private static final Pattern ANY_IMPORT =
      Pattern.compile("^import (?:static )?([\\w.]+)(?:\\.\\*)?;", Pattern.MULTILINE);

  private ImportRules() {}

  /** The same over every import, the JDK's and libraries' too (to confine a library). */
  public static List<String> anyImportViolations(
      Path dir, int atLeast, BiPredicate<Path, String> allowed) throws IOException {
    return violations(ANY_IMPORT, dir, atLeast, allowed);
  }

  /**
   * Every Granary name that the sources under {@code dir} use and {@code allowed} rejects, as
   * "FILE imports NAME" and "FILE names NAME" lines: imports of every kind (static, on demand),
   * and names written out in full in the code, which an import-only scan would miss (comments
   * and string literals aside). Fails if {@code dir} holds fewer than {@code atLeast} sources,
   * so a moved directory cannot make the check pass vacuously.
   */
  public static List<String> violations(Path dir, int atLeast, BiPredicate<Path, String> allowed)
      throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path f : sources(dir, atLeast)) {
      String code = CodeText.of(Files.readString(f));
      Matcher m = ANY_GRANARY_IMPORT.matcher(code);
      while (m.find()) {
        if (!allowed.test(f, m.group(1))) {
          bad.add(f + " imports " + m.group(1));
        }
      }
      Set<String> named = new TreeSet<>();
      Matcher q = QUALIFIED_NAME.matcher(ANY_GRANARY_IMPORT.matcher(code).replaceAll(""));
      while (q.find()) {
        named.add(q.group());
      }
      for (String name : named) {
        if (!allowed.test(f, name)) {
          bad.add(f + " names " + name);
        }
      }
    }
    return bad;
  }

  /**
   * The rule for a module's test code: its own module ({@code own}, a package root such as
   * {@code io.granary.nbd}) freely; a module below it (each of {@code below}) only through that
   * module's {@code api} package and the {@code testing} package of its test-jar (its test
   * seam); and test-support's {@code io.granary.testing}. Nothing else of Granary.
   */
  public static BiPredicate<Path, String> testCode(String own, String... below) {
    List<String> open = new ArrayList<>(List.of(own, TEST_SUPPORT));
    for (String module : below) {
      open.add(module + ".api");
      open.add(module + ".testing");
    }
    return (file, name) -> open.stream().anyMatch(p -> name.equals(p) || name.startsWith(p + "."));
  }

  private static List<String> violations(
      Pattern imports, Path dir, int atLeast, BiPredicate<Path, String> allowed)
      throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path f : sources(dir, atLeast)) {
      Matcher m = imports.matcher(Files.readString(f));
      while (m.find()) {
        if (!allowed.test(f, m.group(1))) {
          bad.add(f + " imports " + m.group(1));
        }
      }
    }
    return bad;
  }

  private static List<Path> sources(Path dir, int atLeast) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    if (files.size() < atLeast) {
      throw new AssertionError(
          "expected at least " + atLeast + " sources in " + dir + ", found " + files.size());
    }
    return files;
  }
}
