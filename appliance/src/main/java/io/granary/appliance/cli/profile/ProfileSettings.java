package io.granary.appliance.cli.profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code KEY=VALUE} settings; numbers stay numbers, the rest strings. */
final class ProfileSettings {
  private ProfileSettings() {}

  static Map<String, Object> parse(List<String> pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (pairs == null) {
      return m;
    }
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("'" + p + "' is not KEY=VALUE");
      }
      String v = p.substring(eq + 1);
      m.put(p.substring(0, eq), v.matches("-?[0-9]+") ? (Object) Long.parseLong(v) : v);
    }
    return m;
  }
}
