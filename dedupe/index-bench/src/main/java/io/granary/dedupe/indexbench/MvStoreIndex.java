package io.granary.dedupe.indexbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * H2 MVStore: one file-backed MVMap&lt;byte[],byte[]&gt; using ByteArrayDataType
 * (unsigned lexicographic order, varint length prefix) for keys and values.
 *
 * <p>Auto-commit is disabled (autoCommitDelay=0, so no background writer /
 * housekeeping thread, AND autoCommitBufferSize=0: in 2.4.240 Builder.autoCommitDisabled()
 * only sets the delay, and MVMap writes still trigger a commit once the unsaved
 * changes exceed the auto-commit buffer, which persists half a batch): each batch is made durable by commit() (writes a new
 * chunk) followed by sync() (FileChannel.force), because commit() alone does
 * not fsync. Because every commit is fsync'ed, the retention time for dead
 * chunks is set to 0 so their space can be reused immediately (the 45 s default
 * exists to cover un-synced writes). Without the background thread nothing
 * compacts, so the adapter does the same kind of maintenance itself: every
 * {@link #MAINTENANCE_EVERY} batches it rewrites sparse chunks
 * (compact(fillRate, writeLimit)), in the writer thread, in the batch's time.
 */
public final class MvStoreIndex implements KvIndex {
    public static final int CACHE_MB = 512;
    public static final int MAINTENANCE_EVERY =
            Integer.getInteger("mvstore.maintenanceEvery", 10);
    public static final int MAINTENANCE_FILL_RATE =
            Integer.getInteger("mvstore.fillRate", 50);
    public static final int MAINTENANCE_WRITE_BYTES = 16 << 20;
    /** 0 (default) = no memory-triggered auto-commit; -1 = leave MVStore's default (for the crash demo). */
    public static final int AUTO_COMMIT_BUFFER_KB = Integer.getInteger("mvstore.autoCommitBufferKb", 0);

    private final MVStore store;
    private final MVMap<byte[], byte[]> map;
    private long batches;

    public MvStoreIndex(Path dir) throws IOException {
        Files.createDirectories(dir);
        MVStore.Builder b = new MVStore.Builder()
                .fileName(dir.resolve("index.mv.db").toString())
                .autoCommitDisabled()     // autoCommitDelay=0: no background writer thread
                .cacheSize(CACHE_MB);
        if (AUTO_COMMIT_BUFFER_KB >= 0) {
            // ALSO needed: autoCommitDisabled() alone still auto-commits when unsaved
            // changes exceed the write buffer, persisting partial batches
            b.autoCommitBufferSize(AUTO_COMMIT_BUFFER_KB);
        }
        store = b.open();
        store.setRetentionTime(0);
        map = store.openMap("chunks", new MVMap.Builder<byte[], byte[]>()
                .keyType(ByteArrayDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public synchronized void putBatch(byte[][] keys, byte[][] values, int n) {
        for (int i = 0; i < n; i++) {
            map.put(keys[i].clone(), values[i].clone());
        }
        durableCommit();
    }

    @Override
    public synchronized void deleteBatch(byte[][] keys, int n) {
        for (int i = 0; i < n; i++) {
            map.remove(keys[i]);
        }
        durableCommit();
    }

    private void durableCommit() {
        store.commit();
        store.sync();
        if (MAINTENANCE_EVERY > 0 && ++batches % MAINTENANCE_EVERY == 0) {
            if (store.compact(MAINTENANCE_FILL_RATE, MAINTENANCE_WRITE_BYTES)) {
                store.commit();
                store.sync();
            }
        }
    }

    @Override
    public long scan(EntryVisitor visitor) {
        long count = 0;
        Cursor<byte[], byte[]> c = map.cursor(null);
        while (c.hasNext()) {
            byte[] k = c.next();
            visitor.visit(k, c.getValue());
            count++;
        }
        return count;
    }

    @Override
    public String stats() {
        return "fillRate=" + store.getFillRate() + "% chunksFillRate=" + store.getFileStore().getChunksFillRate()
                + "% cacheSizeUsedMB=" + store.getCacheSizeUsed()
                + " mapSize=" + map.sizeAsLong();
    }

    @Override
    public void close() {
        store.close(); // commits pending changes, no extra compaction time
    }
}
