package io.granary.dedupe.indexbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB (rocksdbjni): WriteBatch per batch written with sync=true (WAL fsync),
 * block-based table with a 10 bits/key Bloom filter and a 512 MiB LRU block
 * cache; otherwise RocksDB defaults (leveled compaction, 64 MiB memtable,
 * default compression).
 */
public final class RocksDbIndex implements KvIndex {
    public static final long BLOCK_CACHE_BYTES = Long.getLong("rocksdb.cacheMb", 512L) << 20;
    /** Default: RocksDB's default compression (LZ4 in this build); "none" for the variant run. */
    public static final String COMPRESSION = System.getProperty("rocksdb.compression", "default");

    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache;
    private final BloomFilter bloom;
    private final Options options;
    private final WriteOptions syncWrite;
    private final ReadOptions readOptions;
    private final RocksDB db;

    public RocksDbIndex(Path dir) throws IOException {
        Files.createDirectories(dir);
        cache = new LRUCache(BLOCK_CACHE_BYTES);
        bloom = new BloomFilter(10, false);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloom);
        options = new Options()
                .setCreateIfMissing(true)
                .setMaxBackgroundJobs(2)
                .setTableFormatConfig(table);
        if (COMPRESSION.equals("none")) {
            options.setCompressionType(CompressionType.NO_COMPRESSION);
        }
        syncWrite = new WriteOptions().setSync(true);
        readOptions = new ReadOptions();
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            throw new IOException(e);
        }
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int n) throws IOException {
        try (WriteBatch wb = new WriteBatch()) {
            for (int i = 0; i < n; i++) {
                wb.put(keys[i], values[i]);
            }
            db.write(syncWrite, wb);
        } catch (RocksDBException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void deleteBatch(byte[][] keys, int n) throws IOException {
        try (WriteBatch wb = new WriteBatch()) {
            for (int i = 0; i < n; i++) {
                wb.delete(keys[i]);
            }
            db.write(syncWrite, wb);
        } catch (RocksDBException e) {
            throw new IOException(e);
        }
    }

    @Override
    public long scan(EntryVisitor visitor) {
        long count = 0;
        try (ReadOptions ro = new ReadOptions().setFillCache(false); RocksIterator it = db.newIterator(ro)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                visitor.visit(it.key(), it.value());
                count++;
            }
        }
        return count;
    }

    @Override
    public void awaitBackgroundWork() throws IOException {
        long deadline = System.nanoTime() + 600_000_000_000L; // give up after 10 min
        try {
            while (busy() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (RocksDBException e) {
            throw new IOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean busy() throws RocksDBException {
        return db.getLongProperty("rocksdb.num-running-compactions") > 0
                || db.getLongProperty("rocksdb.num-running-flushes") > 0
                || db.getLongProperty("rocksdb.compaction-pending") > 0
                || db.getLongProperty("rocksdb.mem-table-flush-pending") > 0;
    }

    /** Full manual compaction (used only for the optional "size after compaction" figure). */
    public void compactAll() throws IOException {
        try {
            db.compactRange();
        } catch (RocksDBException e) {
            throw new IOException(e);
        }
    }

    @Override
    public String stats() {
        try {
            return "compression=" + options.compressionType()
                    + " estKeys=" + db.getProperty("rocksdb.estimate-num-keys")
                    + " liveSst=" + db.getProperty("rocksdb.live-sst-files-size")
                    + " pendingCompactionBytes=" + db.getProperty("rocksdb.estimate-pending-compaction-bytes")
                    + " tableReadersMem=" + db.getProperty("rocksdb.estimate-table-readers-mem")
                    + " memtables=" + db.getProperty("rocksdb.cur-size-all-mem-tables")
                    + " blockCacheUsage=" + db.getProperty("rocksdb.block-cache-usage")
                    + " files/level=" + db.getProperty("rocksdb.num-files-at-level0") + ","
                    + db.getProperty("rocksdb.num-files-at-level1") + ","
                    + db.getProperty("rocksdb.num-files-at-level2") + ","
                    + db.getProperty("rocksdb.num-files-at-level3");
        } catch (RocksDBException e) {
            return "stats failed: " + e;
        }
    }

    @Override
    public void close() {
        db.close();
        readOptions.close();
        syncWrite.close();
        options.close();
        bloom.close();
        cache.close();
    }
}
