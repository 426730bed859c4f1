package io.granary.dedupe.index;

import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.pack.PackLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes to the index applied as one atomic transaction, in the order they were added. The
 * index keeps its counters and per-pack live totals exact while applying them. Catalog rows may
 * ride along ({@link #withRows}): they commit in the same transaction, so a flush's new root and
 * the chunks it names become durable together, with one commit instead of two.
 */
public final class IndexBatch {
  /** One change; applied in order. */
  sealed interface Op {}

  record Put(ChunkId id, IndexEntry entry) implements Op {}

  record DeleteIf(ChunkId id, PackLocation expected) implements Op {}

  record IndexedUpTo(int packId, long offset) implements Op {}

  record RetirePack(int packId) implements Op {}

  record ForgetPack(int packId) implements Op {}

  final List<Op> ops = new ArrayList<>();
  long ingestedBytes;
  CatalogBatch rows = new CatalogBatch();

  /** Sets {@code id}'s location, counting it as a new chunk or a move of an existing one. */
  public IndexBatch put(ChunkId id, IndexEntry entry) {
    ops.add(new Put(id, entry));
    return this;
  }

  /** Deletes {@code id} only if it still lies at {@code expected}. */
  public IndexBatch deleteIf(ChunkId id, PackLocation expected) {
    ops.add(new DeleteIf(id, expected));
    return this;
  }

  /** Records that the pack's records up to {@code offset} are reflected in the index. */
  public IndexBatch indexedUpTo(int packId, long offset) {
    ops.add(new IndexedUpTo(packId, offset));
    return this;
  }

  /** Marks a pack retired: none of its records is referenced any more; its file may go. */
  public IndexBatch retirePack(int packId) {
    ops.add(new RetirePack(packId));
    return this;
  }

  /** Removes a pack's row once its file is gone. */
  public IndexBatch forgetPack(int packId) {
    ops.add(new ForgetPack(packId));
    return this;
  }

  public IndexBatch addIngested(long bytes) {
    ingestedBytes += bytes;
    return this;
  }

  /** Catalog changes to commit with this batch's. */
  public IndexBatch withRows(CatalogBatch rows) {
    this.rows = rows;
    return this;
  }

  public boolean isEmpty() {
    return ops.isEmpty() && ingestedBytes == 0 && rows.isEmpty();
  }

  public int size() {
    return ops.size();
  }

  /** What an applied batch changed: deletes that matched, and the stored bytes they freed. */
  public record Result(long deleted, long deletedStoredBytes) {}
}
