package io.granary.nbd.session;

import io.granary.nbd.api.ExportCatalog;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata contexts of an export: {@code base:allocation}, which every export offers, and
 * what the catalog adds (changed blocks, allocation depth). Selection follows the spec: in
 * LIST, no query and a query ending in {@code :} (a namespace, or qemu's {@code
 * qemu:dirty-bitmap:}) are wildcards; in SET only full names select. Unknown names are ignored,
 * not errors.
 */
final class MetaContexts {
  static final String BASE_ALLOCATION = "base:allocation";

  private MetaContexts() {}

  /** Every context the export offers, {@code base:allocation} first. */
  static List<String> offered(ExportCatalog catalog, String export) throws IOException {
    List<String> out = new ArrayList<>();
    out.add(BASE_ALLOCATION);
    out.addAll(catalog.metaContexts(export));
    return out;
  }

  /** The offered contexts the queries select, in offered order. */
  static List<String> select(List<String> offered, List<String> queries, boolean list) {
    if (list && queries.isEmpty()) {
      return offered;
    }
    List<String> out = new ArrayList<>();
    for (String name : offered) {
      for (String q : queries) {
        if (q.equals(name) || (list && q.endsWith(":") && name.startsWith(q))) {
          out.add(name);
          break;
        }
      }
    }
    return out;
  }

  /**
   * Opens the contexts SET selected, if it selected them for this export; ids run from 1 in
   * SET's order. None when SET named another export. When one cannot be opened (a snapshot it
   * compares with was deleted since), it closes {@code volume}, just opened for the export, and
   * throws: the option fails and the client learns why.
   */
  static List<ContextMap> open(HandshakeState state, String export, Volume volume)
      throws IOException {
    List<ContextMap> out = new ArrayList<>();
    if (!export.equals(state.metaContextExport)) {
      return out;
    }
    try {
      for (String name : state.metaContexts) {
        int id = out.size() + 1;
        out.add(
            name.equals(BASE_ALLOCATION)
                ? ContextMap.baseAllocation(id, volume)
                : new ContextMap(id, name, state.catalog.statusMap(export, name, volume)));
      }
    } catch (IOException | RuntimeException e) {
      volume.close();
      throw e;
    }
    return out;
  }
}
