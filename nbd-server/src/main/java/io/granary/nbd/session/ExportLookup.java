package io.granary.nbd.session;

import io.granary.nbd.api.ExportInfo;
import java.io.IOException;
import java.util.Optional;

/** Finds an export for a client: present in the catalog, and allowed by the access rules. */
final class ExportLookup {
  /** Why an export cannot be had. */
  enum Refusal {
    UNKNOWN,
    DENIED
  }

  record Found(ExportInfo export, Refusal refusal) {}

  private ExportLookup() {}

  static Found find(HandshakeState state, String name) throws IOException {
    Optional<ExportInfo> export = state.catalog.describe(name);
    if (export.isEmpty()) {
      return new Found(null, Refusal.UNKNOWN);
    }
    if (!state.access.allows(name, state.client)) {
      return new Found(null, Refusal.DENIED);
    }
    return new Found(export.get(), null);
  }
}
