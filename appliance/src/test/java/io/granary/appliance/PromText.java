package io.granary.appliance;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition, by series: {@code name{a="x",b="y"}} with the
 * labels in name order (as given to {@link #value}), or the bare name.
 */
final class PromText {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( \\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  private final Map<String, Double> samples = new TreeMap<>();

  PromText(String text) {
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a sample line: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.put(key(m.group(1), labels), Double.parseDouble(m.group(4)));
    }
  }

  /** The sample of {@code name} with these label pairs; fails if there is none. */
  double value(String name, String... labelPairs) {
    Double v = find(name, labelPairs);
    if (v == null) {
      throw new AssertionError("no sample " + key(name, labels(labelPairs)));
    }
    return v;
  }

  /** The sample, or null if there is none. */
  Double find(String name, String... labelPairs) {
    return samples.get(key(name, labels(labelPairs)));
  }

  /** Whether any series has a label with this value (e.g. a deleted volume's). */
  boolean mentions(String label, String value) {
    String needle = label + "=\"" + value + "\"";
    return samples.keySet().stream().anyMatch(k -> k.contains(needle));
  }

  private static Map<String, String> labels(String... pairs) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static String key(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append('{');
    labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }
}
