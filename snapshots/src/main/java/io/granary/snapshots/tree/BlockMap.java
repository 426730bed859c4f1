package io.granary.snapshots.tree;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkMarker;
import io.granary.dedupe.api.ChunkNotFoundException;
import java.io.IOException;
import java.util.NavigableMap;
import java.util.Objects;

/**
 * The algorithms on block maps ({@code docs/format.md} §4.2): lookup, copy-on-write update,
 * resize, range walks, diff and marking. A tree is named by its root id ({@code null}: all
 * holes) and its depth; nothing here holds state, so any number of trees (heads, snapshots,
 * clones) share pages through the {@link PageStore}.
 *
 * <p>Block indexes are {@code long}s; slots within a page are {@code int}s; the two never mix
 * except through {@link TreeShape#span}.
 */
public final class BlockMap {
  private final PageStore pages;

  public BlockMap(PageStore pages) {
    this.pages = pages;
  }

  /** The chunk id of block {@code block}, or {@code null} when it is a hole. */
  public ChunkId lookup(ChunkId root, int depth, long block) throws IOException {
    ChunkId node = root;
    for (int level = depth - 1; level >= 0 && node != null; level--) {
      long span = TreeShape.span(level);
      node = pages.load(node).get((int) ((block / span) % MapPage.FANOUT));
    }
    return node;
  }

  /**
   * Applies {@code changes} (block index → new chunk id, {@code null} for a hole) and returns
   * the new root. Only the pages on the paths of changed blocks are rewritten; pages that end
   * up all holes disappear.
   */
  public ChunkId update(ChunkId root, int depth, NavigableMap<Long, ChunkId> changes)
      throws IOException {
    if (changes.isEmpty()) {
      return root;
    }
    return updateNode(root, depth - 1, 0, changes);
  }

  private ChunkId updateNode(
      ChunkId node, int level, long base, NavigableMap<Long, ChunkId> changes) throws IOException {
    MapPage current = node == null ? MapPage.empty(level) : pages.load(node);
    MapPage.Builder page = current.toBuilder();
    long span = TreeShape.span(level);
    if (level == 0) {
      for (var e : changes.entrySet()) {
        page.set((int) (e.getKey() - base), e.getValue());
      }
    } else {
      long from = changes.firstKey();
      while (true) {
        int slot = (int) ((from - base) / span);
        long slotStart = base + slot * span;
        NavigableMap<Long, ChunkId> inSlot =
            changes.subMap(slotStart, true, slotStart + span, false);
        page.set(slot, updateNode(current.get(slot), level - 1, slotStart, inSlot));
        Long next = changes.ceilingKey(slotStart + span);
        if (next == null) {
          break;
        }
        from = next;
      }
    }
    MapPage built = page.build();
    return built.isAllHoles() ? null : pages.store(built);
  }

  /** The tree of the same blocks at a new depth (the root moves down or up, never the data). */
  public ChunkId changeDepth(ChunkId root, int depth, int newDepth) throws IOException {
    ChunkId node = root;
    for (int d = depth; d < newDepth; d++) {
      node = node == null ? null : pages.store(MapPage.empty(d).with(0, node));
    }
    for (int d = depth; d > newDepth; d--) {
      node = node == null ? null : pages.load(node).get(0);
    }
    return node;
  }

  /** Turns every block from {@code firstBlock} on into a hole (for a shrink). */
  public ChunkId truncate(ChunkId root, int depth, long firstBlock) throws IOException {
    return zeroRange(root, depth, firstBlock, Long.MAX_VALUE);
  }

  /**
   * Turns blocks {@code [from, to)} into holes. Subtrees wholly inside the range become holes
   * without being read, so zeroing a whole disk costs a few pages.
   */
  public ChunkId zeroRange(ChunkId root, int depth, long from, long to) throws IOException {
    return from >= to ? root : zeroNode(root, depth - 1, 0, from, to);
  }

  private ChunkId zeroNode(ChunkId node, int level, long base, long from, long to)
      throws IOException {
    long childSpan = TreeShape.span(level);
    long end = base + childSpan * MapPage.FANOUT;
    if (node == null || to <= base || from >= end) {
      return node;
    }
    if (from <= base && end <= to) {
      return null;
    }
    MapPage page = pages.load(node);
    MapPage.Builder b = page.toBuilder();
    int first = (int) ((Math.max(from, base) - base) / childSpan);
    int last = (int) ((Math.min(to, end) - 1 - base) / childSpan);
    for (int slot = first; slot <= last; slot++) {
      b.set(
          slot,
          level == 0
              ? null
              : zeroNode(page.get(slot), level - 1, base + slot * childSpan, from, to));
    }
    MapPage built = b.build();
    return built.isAllHoles() ? null : pages.store(built);
  }

  /** Receives runs of blocks that are all holes, or one data block at a time. */
  @FunctionalInterface
  public interface RangeVisitor {
    /** {@code id} is {@code null} for a run of holes; a data block comes with count 1. */
    void visit(long firstBlock, long count, ChunkId id) throws IOException;
  }

  /** Visits blocks {@code [from, to)} in order, skipping whole hole subtrees at once. */
  public void walk(ChunkId root, int depth, long from, long to, RangeVisitor visitor)
      throws IOException {
    if (from < to) {
      walkNode(root, depth - 1, 0, from, to, visitor);
    }
  }

  private void walkNode(
      ChunkId node, int level, long base, long from, long to, RangeVisitor visitor)
      throws IOException {
    long span = TreeShape.span(level + 1);
    long start = Math.max(base, from);
    long end = Math.min(base + span, to);
    if (start >= end) {
      return;
    }
    if (node == null) {
      visitor.visit(start, end - start, null);
      return;
    }
    MapPage page = pages.load(node);
    long childSpan = TreeShape.span(level);
    int first = (int) ((start - base) / childSpan);
    int last = (int) ((end - 1 - base) / childSpan);
    for (int slot = first; slot <= last; slot++) {
      long childBase = base + slot * childSpan;
      if (level == 0) {
        visitor.visit(childBase, 1, page.get(slot));
      } else {
        walkNode(page.get(slot), level - 1, childBase, from, to, visitor);
      }
    }
  }

  /** Receives runs of blocks that differ between two trees. */
  @FunctionalInterface
  public interface DiffVisitor {
    void changed(long firstBlock, long count) throws IOException;
  }

  /**
   * Visits the blocks whose chunk differs between two trees (of any depths), skipping every
   * subtree whose id is the same on both sides.
   */
  public void diff(ChunkId rootA, int depthA, ChunkId rootB, int depthB, DiffVisitor visitor)
      throws IOException {
    diff(rootA, depthA, rootB, depthB, 0, Long.MAX_VALUE, visitor);
  }

  /**
   * As {@link #diff(ChunkId, int, ChunkId, int, DiffVisitor)} for blocks {@code [from, to)}
   * only, loading only the pages over that range; a visited run may reach past it.
   */
  public void diff(
      ChunkId rootA, int depthA, ChunkId rootB, int depthB, long from, long to, DiffVisitor visitor)
      throws IOException {
    int depth = Math.max(depthA, depthB);
    diffNodes(
        new Node(rootA, depth - depthA),
        new Node(rootB, depth - depthB),
        depth - 1,
        0,
        new Range(from, to),
        visitor);
  }

  /** The blocks a ranged diff looks at. */
  private record Range(long from, long to) {
    boolean misses(long first, long count) {
      return first >= to || first + count <= from;
    }
  }

  /**
   * A subtree seen from a deeper tree: the stored node {@code id} under {@code lift} virtual
   * pages whose slot 0 leads down to it (a shallower tree's root inside a deeper one).
   */
  private record Node(ChunkId id, int lift) {
    static final Node HOLE = new Node(null, 0);

    boolean isHole() {
      return id == null;
    }

    boolean sameAs(Node o) {
      return lift == o.lift && Objects.equals(id, o.id);
    }
  }

  private MapPage storedPage(Node n) throws IOException {
    return n.isHole() || n.lift > 0 ? null : pages.load(n.id);
  }

  private static Node child(Node n, MapPage stored, int slot) {
    if (n.isHole()) {
      return Node.HOLE;
    }
    if (n.lift > 0) {
      return slot == 0 ? new Node(n.id, n.lift - 1) : Node.HOLE;
    }
    return new Node(stored.get(slot), 0);
  }

  private void diffNodes(Node a, Node b, int level, long base, Range range, DiffVisitor visitor)
      throws IOException {
    if (a.sameAs(b)) {
      return;
    }
    MapPage pa = storedPage(a);
    MapPage pb = storedPage(b);
    long span = TreeShape.span(level);
    for (int slot = 0; slot < MapPage.FANOUT; slot++) {
      long childBase = base + slot * span;
      if (range.misses(childBase, span)) {
        continue;
      }
      Node ca = child(a, pa, slot);
      Node cb = child(b, pb, slot);
      if (ca.sameAs(cb) || (ca.isHole() && cb.isHole())) {
        continue;
      }
      if (level == 0) {
        visitor.changed(childBase, 1);
      } else if (ca.isHole() || cb.isHole()) {
        // One side is a hole: every data block of the other side changed.
        Node present = ca.isHole() ? cb : ca;
        walkNode(
            present.id,
            level - 1 - present.lift,
            childBase,
            Math.max(childBase, range.from),
            Math.min(childBase + span, range.to),
            (first, count, id) -> {
              if (id != null) {
                visitor.changed(first, count);
              }
            });
      } else {
        diffNodes(ca, cb, level - 1, childBase, range, visitor);
      }
    }
  }

  /**
   * Marks every page and data chunk of a tree, skipping subtrees the marker has seen (so a
   * pool's many snapshots cost what their differences cost).
   */
  public void mark(ChunkId root, int depth, ChunkMarker marker) throws IOException {
    markNode(root, depth - 1, marker, false);
  }

  /**
   * As {@link #mark}, for a tree that may lack pages (one being received): a missing page is
   * marked and its subtree skipped.
   */
  public void markPartial(ChunkId root, int depth, ChunkMarker marker) throws IOException {
    markNode(root, depth - 1, marker, true);
  }

  private void markNode(ChunkId node, int level, ChunkMarker marker, boolean partial)
      throws IOException {
    if (node == null || !marker.mark(node)) {
      return;
    }
    MapPage page;
    try {
      page = pages.load(node);
    } catch (ChunkNotFoundException e) {
      if (partial) {
        return;
      }
      throw e;
    }
    for (int slot = 0; slot < MapPage.FANOUT; slot++) {
      ChunkId child = page.get(slot);
      if (child == null) {
        continue;
      }
      if (level == 0) {
        marker.mark(child);
      } else {
        markNode(child, level - 1, marker, partial);
      }
    }
  }
}
