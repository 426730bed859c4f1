package io.granary.dedupe.indexbench;

import static java.nio.ByteBuffer.allocateDirect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * LMDB via lmdbjava. Default (synchronous) durability: every write txn commit
 * fsyncs. MDB_NOTLS only decouples read-txn slots from threads so that a
 * per-thread, reset/renewed read txn can be closed from the closing thread.
 */
public final class LmdbIndex implements KvIndex {
    public static final long MAP_SIZE = 64L << 30; // 64 GiB, sparse address space

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private final ThreadLocal<Reader> readers;
    private final List<Reader> allReaders = new ArrayList<>();
    private final ByteBuffer wKey = allocateDirect(64);
    private final ByteBuffer wVal = allocateDirect(64);

    /** Per-thread reusable read txn (reset between lookups) and key buffer. */
    private final class Reader {
        final Txn<ByteBuffer> txn = env.txnRead();
        final ByteBuffer key = allocateDirect(64);

        Reader() {
            txn.reset();
        }
    }

    public LmdbIndex(Path dir) throws IOException {
        Files.createDirectories(dir);
        env = Env.create()
                .setMapSize(MAP_SIZE)
                .setMaxDbs(1)
                .setMaxReaders(126)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS);
        dbi = env.openDbi("chunks", DbiFlags.MDB_CREATE);
        readers = ThreadLocal.withInitial(() -> {
            Reader r = new Reader();
            synchronized (allReaders) {
                allReaders.add(r);
            }
            return r;
        });
    }

    @Override
    public byte[] get(byte[] key) {
        Reader r = readers.get();
        r.key.clear();
        r.key.put(key).flip();
        r.txn.renew();
        try {
            ByteBuffer v = dbi.get(r.txn, r.key);
            if (v == null) {
                return null;
            }
            byte[] out = new byte[v.remaining()];
            v.get(out);
            return out;
        } finally {
            r.txn.reset();
        }
    }

    @Override
    public synchronized void putBatch(byte[][] keys, byte[][] values, int n) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            for (int i = 0; i < n; i++) {
                wKey.clear();
                wKey.put(keys[i]).flip();
                wVal.clear();
                wVal.put(values[i]).flip();
                dbi.put(txn, wKey, wVal);
            }
            txn.commit(); // fsync (no MDB_NOSYNC / MDB_NOMETASYNC)
        }
    }

    @Override
    public synchronized void deleteBatch(byte[][] keys, int n) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            for (int i = 0; i < n; i++) {
                wKey.clear();
                wKey.put(keys[i]).flip();
                dbi.delete(txn, wKey);
            }
            txn.commit();
        }
    }

    @Override
    public long scan(EntryVisitor visitor) {
        long count = 0;
        byte[] k = new byte[32];
        byte[] v = new byte[24];
        try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> c = dbi.openCursor(txn)) {
            boolean ok = c.first();
            while (ok) {
                ByteBuffer kb = c.key();
                ByteBuffer vb = c.val();
                if (k.length != kb.remaining()) {
                    k = new byte[kb.remaining()];
                }
                if (v.length != vb.remaining()) {
                    v = new byte[vb.remaining()];
                }
                kb.get(k);
                vb.get(v);
                visitor.visit(k, v);
                count++;
                ok = c.next();
            }
        }
        return count;
    }

    @Override
    public String stats() {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            Stat s = dbi.stat(txn);
            return "depth=" + s.depth + " branchPages=" + s.branchPages + " leafPages=" + s.leafPages
                    + " overflowPages=" + s.overflowPages + " entries=" + s.entries
                    + " lastPgno=" + env.info().lastPageNumber + " pageSize=" + s.pageSize;
        }
    }

    @Override
    public void close() {
        synchronized (allReaders) {
            for (Reader r : allReaders) {
                r.txn.close();
            }
            allReaders.clear();
        }
        dbi.close();
        env.close();
    }
}
