package io.granary.appliance.replication;

import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.Names;

/**
 * Where a volume replicates to: {@code REMOTE[:POOL[/NAME]]}, the pool {@code default} and the
 * volume's own name unless given.
 */
public record ReplicationTarget(String remote, String pool, String volume) {
  public static ReplicationTarget parse(String text, String volume) throws InvalidNameException {
    int colon = text.indexOf(':');
    String remote = colon < 0 ? text : text.substring(0, colon);
    String rest = colon < 0 ? "" : text.substring(colon + 1);
    int slash = rest.indexOf('/');
    String pool = rest.isEmpty() ? "default" : slash < 0 ? rest : rest.substring(0, slash);
    String name = slash < 0 ? volume : rest.substring(slash + 1);
    return new ReplicationTarget(
        Names.check("remote", remote), Names.check("pool", pool), Names.check("volume", name));
  }

  /** The target volume's resource on the remote's admin API. */
  String volumePath() {
    return "/api/v1/pools/" + pool + "/volumes/" + volume;
  }

  @Override
  public String toString() {
    return remote + ":" + pool + "/" + volume;
  }
}
