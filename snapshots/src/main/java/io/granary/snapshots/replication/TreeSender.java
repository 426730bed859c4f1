package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.snapshots.tree.MapPage;
import io.granary.snapshots.tree.PageStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes a snapshot's tree into a stream: every node the base tree does not hold at the same
 * place, children before their page (post-order), so that a receiver stores a page only once
 * all it names is there. Equal subtrees are skipped whole, so an incremental costs what
 * changed. Chunks travel as stored. A chunk sent recently is not sent again (a volume's many
 * equal blocks); one sent long ago may be, which costs bytes, never correctness.
 *
 * <p>Bases of another depth (the volume was resized across the tree's fan-out) are not
 * compared: the stream is then full. Not thread-safe.
 */
final class TreeSender {
  /** How many recently sent ids are remembered (about 100 bytes each). */
  private static final int RECENT = 1 << 20;

  private final ChunkStore store;
  private final PageStore pages;
  private final Map<ChunkId, Boolean> recent =
      new LinkedHashMap<>(1 << 16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChunkId, Boolean> eldest) {
          return size() > RECENT;
        }
      };

  TreeSender(ChunkStore store, PageStore pages) {
    this.store = store;
    this.pages = pages;
  }

  /**
   * Sends the nodes of the tree at {@code root} (of {@code depth}) that the tree at {@code
   * baseRoot} (of {@code baseDepth}; null root for none) lacks at the same place.
   */
  void send(StreamWriter out, ChunkId root, int depth, ChunkId baseRoot, int baseDepth)
      throws IOException {
    node(out, root, baseDepth == depth ? baseRoot : null, depth - 1);
  }

  /**
   * Sends the nodes of the tree at {@code root} that are in {@code wanted} (what the receiver
   * lacks), post-order, each once.
   */
  void sendWanted(StreamWriter out, ChunkId root, int depth, Set<ChunkId> wanted)
      throws IOException {
    wantedNode(out, root, depth - 1, wanted);
  }

  private void wantedNode(StreamWriter out, ChunkId id, int level, Set<ChunkId> wanted)
      throws IOException {
    if (id == null || !wanted.contains(id)) {
      return;
    }
    if (level >= 0) {
      MapPage page = pages.load(id);
      for (int slot = 0; slot < MapPage.FANOUT; slot++) {
        wantedNode(out, page.get(slot), level - 1, wanted);
      }
    }
    if (wanted.remove(id)) {
      out.chunk(level + 1, store.getStored(id));
    }
  }

  /** {@code level}: the page level of {@code id}, or -1 for a block's chunk. */
  private void node(StreamWriter out, ChunkId id, ChunkId base, int level) throws IOException {
    if (id == null || id.equals(base)) {
      return;
    }
    if (level >= 0) {
      MapPage page = pages.load(id);
      MapPage basePage = base == null ? null : pages.load(base);
      for (int slot = 0; slot < MapPage.FANOUT; slot++) {
        node(out, page.get(slot), basePage == null ? null : basePage.get(slot), level - 1);
      }
    }
    if (recent.put(id, Boolean.TRUE) == null) {
      out.chunk(level + 1, store.getStored(id));
    }
  }
}
