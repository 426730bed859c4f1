package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkNotFoundException;
import io.granary.dedupe.api.ChunkStore;
import io.granary.snapshots.api.StreamRefusedException;
import io.granary.snapshots.tree.MapPage;
import io.granary.snapshots.tree.PageStore;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Proves a received tree whole just before it is committed: every node it does not share, at
 * the same place, with the volume's current tree (which the catalog already protects) is in
 * the store, and every page is a page of its level. Presence is asked with {@link
 * ChunkStore#retain}, so a collection running meanwhile keeps what was found; one starting
 * later marks the pinned root. Costs what differs from the current tree: nothing for a tree
 * received already.
 *
 * <p>A page found present but with a part of its subtree missing (a collection swept that part
 * while the page was kept) is put with its ancestors among the pool's suspects: the receiver
 * then says it lacks them, so the next negotiation sends their subtrees again instead of
 * trusting them forever.
 */
final class TreeCheck {
  private final ChunkStore store;
  private final PageStore pages;
  private final Set<ChunkId> suspects;
  private final Deque<ChunkId> path = new ArrayDeque<>();

  TreeCheck(ChunkStore store, PageStore pages, Set<ChunkId> suspects) {
    this.store = store;
    this.pages = pages;
    this.suspects = suspects;
  }

  void verify(ChunkId root, int depth, ChunkId current, int currentDepth) throws IOException {
    if (root == null || root.equals(current)) {
      return;
    }
    require(List.of(root), "the root");
    node(root, currentDepth == depth ? current : null, depth - 1);
    suspects.clear(); // a whole tree was proven: whatever was suspect is whole again or unused
  }

  private void node(ChunkId id, ChunkId current, int level) throws IOException {
    if (id.equals(current)) {
      return;
    }
    MapPage page;
    try {
      page = pages.load(id);
    } catch (ChunkNotFoundException e) {
      throw missing(id, "a page");
    }
    path.push(id);
    if (page.level() != level) {
      throw new StreamRefusedException(
          "page " + id + " is of level " + page.level() + " where the tree needs " + level);
    }
    MapPage old = current == null ? null : pages.load(current);
    List<ChunkId> differ = new ArrayList<>();
    List<ChunkId> was = new ArrayList<>();
    for (int slot = 0; slot < MapPage.FANOUT; slot++) {
      ChunkId child = page.get(slot);
      ChunkId before = old == null ? null : old.get(slot);
      if (child != null && !child.equals(before)) {
        differ.add(child);
        was.add(before);
      }
    }
    require(differ, "page " + id.shortForm() + "'s children");
    if (level > 0) {
      for (int i = 0; i < differ.size(); i++) {
        node(differ.get(i), was.get(i), level - 1);
      }
    }
    path.pop();
  }

  private void require(List<ChunkId> ids, String what) throws IOException {
    boolean[] here = store.retain(ids.toArray(ChunkId[]::new));
    for (int i = 0; i < here.length; i++) {
      if (!here[i]) {
        throw missing(ids.get(i), what);
      }
    }
  }

  private StreamRefusedException missing(ChunkId id, String what) {
    suspects.addAll(path);
    return new StreamRefusedException(
        "the received tree is incomplete: chunk " + id + " (" + what + ") is not in the pool");
  }
}
