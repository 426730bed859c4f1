package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.ChunkOracle;
import io.granary.snapshots.tree.MapPage;
import io.granary.snapshots.tree.PageStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the nodes of a snapshot's tree a receiver lacks, asking it level by level from the
 * root: the ids of one level in one question (the oracle may split it), and only the children
 * of pages it lacks in the next. A subtree it holds is never looked into, so the questions
 * grow with the tree's depth and the change, not with the volume; chunks it holds from any
 * volume are never sent. The answer is a plan: it may be stale by the time the stream
 * arrives, which the receiver's checks catch (and the next run asks again).
 *
 * <p>Memory: the set of lacking ids, about 100 bytes each (a whole 1 TiB volume of 16 KiB
 * blocks sent for the first time is 6 GiB: such a first copy is best sent as a file).
 */
final class Negotiation {
  private final PageStore pages;
  private final ChunkOracle receiver;
  private int rounds;

  Negotiation(PageStore pages, ChunkOracle receiver) {
    this.pages = pages;
    this.receiver = receiver;
  }

  int rounds() {
    return rounds;
  }

  Set<ChunkId> missing(ChunkId root, int depth) throws IOException {
    Set<ChunkId> want = new HashSet<>();
    if (root == null) {
      return want;
    }
    List<ChunkId> level = List.of(root);
    for (int pageLevel = depth - 1; !level.isEmpty(); pageLevel--) {
      boolean[] have = receiver.have(level);
      rounds++;
      if (have.length != level.size()) {
        throw new IOException(
            "the receiver answered " + have.length + " of " + level.size() + " questions");
      }
      List<ChunkId> next = new ArrayList<>();
      Set<ChunkId> asked = new HashSet<>();
      for (int i = 0; i < have.length; i++) {
        ChunkId id = level.get(i);
        if (have[i] || !want.add(id) || pageLevel < 0) {
          continue;
        }
        MapPage page = pages.load(id);
        for (int slot = 0; slot < MapPage.FANOUT; slot++) {
          ChunkId child = page.get(slot);
          if (child != null && !want.contains(child) && asked.add(child)) {
            next.add(child);
          }
        }
      }
      level = next;
    }
    return want;
  }
}
