package io.granary.nbd.session;

import java.util.List;

/** The metadata contexts this server offers: only {@code base:allocation}. */
final class MetaContexts {
  static final String BASE_ALLOCATION = "base:allocation";

  /** The id a client gets for {@code base:allocation}; any non-zero value would do. */
  static final int BASE_ALLOCATION_ID = 1;

  private MetaContexts() {}

  /**
   * Whether the queries select {@code base:allocation}. In LIST, no query and the bare
   * namespace {@code base:} are wildcards; in SET only the full name selects. Unknown
   * namespaces are ignored, not errors.
   */
  static boolean selectsBaseAllocation(List<String> queries, boolean list) {
    if (list && queries.isEmpty()) {
      return true;
    }
    for (String q : queries) {
      if (q.equals(BASE_ALLOCATION) || (list && q.equals("base:"))) {
        return true;
      }
    }
    return false;
  }
}
