package io.granary.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The CLI runs on the appliance jar and the jars of target/cli.classpath alone (bin/granary and
 * the installed launcher): every class that a class of {@code io.granary.appliance.cli} reaches,
 * directly or through others, is in the JDK or in one of those jars (jdeps, on the jars the build
 * made; references made only by reflection are beyond it, but CdsTraining runs the typical calls
 * on that classpath at every build).
 */
class CliClasspathIT {
  private static final Path TARGET = Path.of("target");

  /** "   a.B -> c.D   where" in jdeps -verbose:class output: where is a jar, a module or "not found". */
  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(.+?)\\s*$");

  @Test
  void theClassesTheCliReachesAreAllOnItsClasspath() throws Exception {
    List<String> jars = new ArrayList<>();
    try (var appliance = Files.newDirectoryStream(TARGET, "granary-appliance-*.jar")) {
      appliance.forEach(j -> jars.add(j.toString()));
    }
    assertEquals(1, jars.size(), "the appliance jar in target: " + jars);
    for (String entry : Files.readString(TARGET.resolve("cli.classpath")).trim().split(":")) {
      assertTrue(Files.isRegularFile(TARGET.resolve(entry)), entry + " is not in target");
      jars.add(TARGET.resolve(entry).toString());
    }
    List<String> args = new ArrayList<>(List.of("-verbose:class", "--multi-release", "17"));
    args.add("--class-path");
    args.add(String.join(":", jars));
    args.addAll(jars);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        ToolProvider.findFirst("jdeps")
            .orElseThrow()
            .run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    // jdeps fails outright when a modular jar's required module (another jar) is not there.
    assertEquals(0, exit, "jdeps on the CLI's classpath: " + err);

    Map<String, Set<String>> references = new HashMap<>();
    Set<String> notFound = new HashSet<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.matches()) {
        references.computeIfAbsent(m.group(1), c -> new HashSet<>()).add(m.group(2));
        if (m.group(3).equals("not found")) {
          notFound.add(m.group(2));
        }
      }
    }
    Deque<String> todo = new ArrayDeque<>();
    references.keySet().stream()
        .filter(c -> c.startsWith("io.granary.appliance.cli."))
        .forEach(todo::add);
    assertTrue(todo.size() > 50, "found only " + todo.size() + " classes of the CLI");
    Set<String> reached = new HashSet<>();
    Set<String> missing = new TreeSet<>();
    while (!todo.isEmpty()) {
      String c = todo.pop();
      if (reached.add(c)) {
        for (String d : references.getOrDefault(c, Set.of())) {
          if (notFound.contains(d)) {
            missing.add(d + " (from " + c + ")");
          } else {
            todo.push(d);
          }
        }
      }
    }
    assertEquals(
        Set.of(), missing, "add their jars to the cli-classpath execution of appliance/pom.xml");
  }
}
