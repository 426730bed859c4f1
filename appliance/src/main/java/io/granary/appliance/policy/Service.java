package io.granary.appliance.policy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A data service a capacity pool may allow its volumes: a profile asking for one the pool does
 * not allow cannot be set on a volume there; a pool that does not allow {@code replication}
 * neither sends nor receives replication streams.
 */
public enum Service {
  SNAPSHOTS,
  CLONES,
  DEDUPE,
  COMPRESSION,
  REPLICATION;

  /** The name users type: {@code snapshots}, {@code clones}, {@code replication}… */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Service parse(String label) {
    for (Service s : values()) {
      if (s.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown service '"
            + label.trim()
            + "': use "
            + String.join(", ", labels(EnumSet.allOf(Service.class))));
  }

  /** Parses a comma-separated list ({@code all} for every service; {@code none} or empty). */
  public static Set<Service> parseList(String list) {
    Set<Service> out = EnumSet.noneOf(Service.class);
    if (list.isBlank() || list.trim().equals("none")) {
      return out;
    }
    if (list.trim().equals("all")) {
      return EnumSet.allOf(Service.class);
    }
    for (String s : list.split(",")) {
      out.add(parse(s));
    }
    return out;
  }

  public static List<String> labels(Set<Service> services) {
    List<String> out = new ArrayList<>();
    for (Service s : services) {
      out.add(s.label());
    }
    return out;
  }
}
