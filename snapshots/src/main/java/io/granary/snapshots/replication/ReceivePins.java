package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkMarker;
import io.granary.snapshots.tree.BlockMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunks receives in progress hold on to, which a pool's garbage collection marks as live
 * though no volume names them yet: each receive's frontier (the nodes it stored whose page has
 * not come yet) and the root it is about to commit. Marking a pinned page marks its subtree,
 * skipping what has not arrived. A receive after a restart has lost its pins: what a collection
 * then sweeps is simply sent again.
 *
 * <p>Thread-safe: one monitor; the collection reads a consistent copy, so a node is always
 * covered either by its own pin or by its page's.
 */
public final class ReceivePins {
  /** A pinned node: its level (0 a block's chunk, n a page of level n-1) and pin count. */
  private final Map<ChunkId, int[]> pins = new HashMap<>();

  /** Pins {@code id}, a node of {@code level}; pins nest. */
  public synchronized void pin(ChunkId id, int level) {
    int[] e = pins.computeIfAbsent(id, k -> new int[] {level, 0});
    e[1]++;
  }

  public synchronized void unpin(ChunkId id) {
    int[] e = pins.get(id);
    if (e != null && --e[1] == 0) {
      pins.remove(id);
    }
  }

  /** Pins a page and drops the pins of its children, in one step. */
  public synchronized void replace(List<ChunkId> children, ChunkId page, int level) {
    pin(page, level);
    for (ChunkId c : children) {
      unpin(c);
    }
  }

  public synchronized int size() {
    return pins.size();
  }

  /** Marks every pinned node and what it reaches (a collection's share of receives). */
  public void markAll(BlockMap map, ChunkMarker marker) throws IOException {
    List<Map.Entry<ChunkId, Integer>> copy = new ArrayList<>();
    synchronized (this) {
      pins.forEach((id, e) -> copy.add(Map.entry(id, e[0])));
    }
    for (Map.Entry<ChunkId, Integer> p : copy) {
      if (p.getValue() == 0) {
        marker.mark(p.getKey());
      } else {
        map.markPartial(p.getKey(), p.getValue(), marker);
      }
    }
  }
}
