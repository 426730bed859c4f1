package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.InvalidChunkException;
import io.granary.snapshots.api.StreamRefusedException;
import io.granary.snapshots.tree.MapPage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Takes a stream's chunks into the pool's store, proving each on the way: a chunk must decode
 * to content with its id; a map page must be a page of the level its record says, and must
 * only name chunks already here (earlier in the stream, or held by the pool), so every page
 * stored is whole; END must count what came and name BEGIN's root. What it stores is pinned
 * against garbage collection until its page comes. It changes no volume: the switch to the
 * received tree is the caller's, after {@link TreeCheck}. Not thread-safe.
 */
final class TreeReceiver {
  record Result(StreamHeader header, long chunks, long payloadBytes, long streamBytes) {}

  /** Deeper than any tree a volume can have (512^8 blocks). */
  private static final int MAX_LEVEL = 8;

  private final ChunkStore store;
  private final ReceivePins pins;
  private final Streams.SpaceCheck space;

  TreeReceiver(ChunkStore store, ReceivePins pins, Streams.SpaceCheck space) {
    this.store = store;
    this.pins = pins;
    this.space = space;
  }

  Result receive(StreamReader in, Streams.HeaderCheck accept) throws IOException {
    StreamHeader h = ((StreamRecord.Begin) in.next()).header();
    accept.check(h);
    long chunks = 0;
    long payload = 0;
    while (true) {
      StreamRecord r = in.next();
      if (r instanceof StreamRecord.Chunk c) {
        take(c, h.blockSize());
        chunks++;
        payload += c.chunk().payload().length;
      } else if (r instanceof StreamRecord.End e) {
        if (e.chunks() != chunks || e.payloadBytes() != payload) {
          throw new StreamRefusedException(
              "the END record counts "
                  + e.chunks()
                  + " chunks and "
                  + e.payloadBytes()
                  + " bytes, the stream carried "
                  + chunks
                  + " and "
                  + payload);
        }
        if (!Objects.equals(e.root(), h.root())) {
          throw new StreamRefusedException(
              "the END record names root " + e.root() + ", BEGIN named " + h.root());
        }
        in.next(); // nothing may follow
        return new Result(h, chunks, payload, in.bytes());
      } else {
        throw new StreamRefusedException("a second BEGIN record");
      }
    }
  }

  private void take(StreamRecord.Chunk c, int blockSize) throws IOException {
    ChunkId id = c.id();
    try {
      if (c.level() == 0) {
        int raw = c.chunk().rawLength();
        if (raw != blockSize && raw != blockSize + 8) {
          throw new StreamRefusedException(
              "chunk " + id + " of " + raw + " bytes is no block of " + blockSize);
        }
        space.admit(raw);
        pins.pin(id, 0);
        store.putStored(c.chunk());
        return;
      }
      if (c.level() > MAX_LEVEL) {
        throw new StreamRefusedException("chunk " + id + " at level " + c.level());
      }
      MapPage page;
      try {
        page = MapPage.decode(store.content(c.chunk()));
      } catch (IllegalArgumentException e) {
        throw new StreamRefusedException("chunk " + id + " is not a map page: " + e.getMessage());
      }
      if (page.level() != c.level() - 1) {
        throw new StreamRefusedException(
            "page " + id + " is of level " + page.level() + ", its record says " + (c.level() - 1));
      }
      List<ChunkId> children = children(page);
      boolean[] here = store.retain(children.toArray(ChunkId[]::new));
      for (int i = 0; i < here.length; i++) {
        if (!here[i]) {
          throw new StreamRefusedException(
              "page "
                  + id
                  + " names chunk "
                  + children.get(i)
                  + ", which came neither before it in the stream nor is in this pool (is the"
                  + " stream incremental from a snapshot this pool does not hold?)");
        }
      }
      pins.pin(id, c.level());
      store.putStored(c.chunk());
      for (ChunkId child : children) {
        pins.unpin(child);
      }
    } catch (InvalidChunkException e) {
      throw new StreamRefusedException(e.getMessage(), e);
    }
  }

  static List<ChunkId> children(MapPage page) {
    List<ChunkId> out = new ArrayList<>();
    for (int slot = 0; slot < MapPage.FANOUT; slot++) {
      ChunkId child = page.get(slot);
      if (child != null) {
        out.add(child);
      }
    }
    return out;
  }
}
