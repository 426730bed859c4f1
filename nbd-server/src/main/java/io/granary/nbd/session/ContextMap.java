package io.granary.nbd.session;

import io.granary.nbd.api.StatusMap;
import io.granary.snapshots.api.Volume;

/**
 * A metadata context selected for a connection: the id SET gave it (its place in SET's reply,
 * from 1), its name, and its map, opened when the connection entered transmission.
 */
public record ContextMap(int id, String name, StatusMap map) {

  /** {@code base:allocation} of {@code volume} under {@code id}. */
  public static ContextMap baseAllocation(int id, Volume volume) {
    return new ContextMap(id, MetaContexts.BASE_ALLOCATION, new AllocationStatus(volume));
  }
}
