package io.granary.dedupe.api;

import java.io.IOException;
import java.util.List;

/**
 * Small ordered tables for the layers above the store (volumes, snapshots, profiles), kept in
 * the same embedded key-value environment as the chunk index. Every {@link #apply} is one
 * atomic, durable transaction. Thread-safe.
 */
public interface Catalog {
  /** The value stored under {@code key} in {@code table}, or {@code null}. */
  byte[] get(String table, byte[] key) throws IOException;

  /** Every entry of {@code table}, in unsigned byte order of the keys. */
  List<Entry> list(String table) throws IOException;

  /** Applies every change of the batch, or none of them. */
  void apply(CatalogBatch batch) throws IOException;

  /**
   * Every row of every table as of one moment, keys as stored ({@code table 0x00 key}): what a
   * checkpoint carries to an object store.
   */
  List<Entry> dump() throws IOException;

  /** Replaces every table with the rows of a {@link #dump}, in one transaction. */
  void restore(List<Entry> rows) throws IOException;

  /** A key and its value. */
  record Entry(byte[] key, byte[] value) {}
}
