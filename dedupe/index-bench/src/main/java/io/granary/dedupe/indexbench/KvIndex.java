package io.granary.dedupe.indexbench;

import java.io.Closeable;
import java.io.IOException;

/**
 * Minimal ordered key-value index as used by the chunk store:
 * fixed-size chunk id (32 bytes) -> encoded location (24 bytes).
 *
 * <p>{@link #putBatch} and {@link #deleteBatch} are atomic and durable
 * (fsync'ed) when they return. {@link #get} is safe to call from several
 * threads concurrently with each other (not required concurrently with writes
 * for this benchmark, but every adapter here supports it).
 */
public interface KvIndex extends Closeable {

    /** @return the stored value, or null if the key is absent. */
    byte[] get(byte[] key) throws IOException;

    /** Atomically and durably insert/overwrite {@code n} entries. */
    void putBatch(byte[][] keys, byte[][] values, int n) throws IOException;

    /** Atomically and durably remove {@code n} keys (absent keys are ignored). */
    void deleteBatch(byte[][] keys, int n) throws IOException;

    /** Visit all entries in ascending unsigned key order; returns the number visited. */
    long scan(EntryVisitor visitor) throws IOException;

    /**
     * Block until deferred background work (e.g. LSM flushes/compactions) is done,
     * so that reads are measured on a settled store. No-op for stores without any.
     */
    default void awaitBackgroundWork() throws IOException {
    }

    /** Free-form, store-specific statistics for the report. */
    default String stats() {
        return "";
    }

    @Override
    void close() throws IOException;

    @FunctionalInterface
    interface EntryVisitor {
        /** Arrays may be reused by the store after the call returns. */
        void visit(byte[] key, byte[] value);
    }
}
