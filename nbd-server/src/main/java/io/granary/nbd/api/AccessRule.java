package io.granary.nbd.api;

import java.util.List;

/**
 * Who may see and open the exports whose names match {@code exports} (a glob: {@code *}
 * matches within a path segment, {@code **} anything). A client is admitted when its address
 * is in one of {@code networks} (CIDR ranges, or {@code unix} for the Unix socket) and, if
 * {@code subjects} is not empty, its TLS certificate's subject is one of them. An empty list
 * admits anyone. Exports that no rule matches are open to every client of the listener.
 */
public record AccessRule(String exports, List<String> networks, List<String> subjects) {
  public AccessRule {
    networks = List.copyOf(networks);
    subjects = List.copyOf(subjects);
  }
}
