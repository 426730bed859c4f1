package io.granary.dedupe.index;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.api.StoreFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.KeyRange;
import org.lmdbjava.LmdbException;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

/**
 * The index in an LMDB environment ({@code docs/format.md} §1.4). LMDB was chosen by
 * measurement (see {@code dedupe/README.md}): fastest point lookups, crash-safe copy-on-write
 * B-tree, a small native library.
 *
 * <p>Writes are serialized by LMDB's single writer; reads run in parallel in their own
 * read-only transactions and see the last committed state.
 */
public final class LmdbChunkIndex implements ChunkIndex {
  public static final int FORMAT_VERSION = 1;

  /** Address space reserved for the map; the file itself grows only as pages are used. */
  private static final long MAP_SIZE = 1L << 40;

  private static final int EIO = 5;
  private static final int ENOSPC = 28;

  /**
   * LMDB reports a write cut short as EIO ("short write, filesystem full?" in mdb_page_flush);
   * with less free space than this left, such an EIO is taken for the full disk it almost
   * surely is. One LMDB write is at most 64 pages.
   */
  private static final long NEARLY_FULL = 1L << 20;

  private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COUNTERS_KEY = "counters".getBytes(StandardCharsets.US_ASCII);

  private final Path directory;
  private final Env<byte[]> env;
  private final Dbi<byte[]> chunks;
  private final Dbi<byte[]> packs;
  private final Dbi<byte[]> meta;
  private final Dbi<byte[]> catalog;
  private final IndexReserve reserve;
  private volatile StoreCounters counters;

  private LmdbChunkIndex(Path directory, Env<byte[]> env) throws IOException {
    this.directory = directory;
    this.env = env;
    this.chunks = env.openDbi("chunks", DbiFlags.MDB_CREATE);
    this.packs = env.openDbi("packs", DbiFlags.MDB_CREATE);
    this.meta = env.openDbi("meta", DbiFlags.MDB_CREATE);
    this.catalog = env.openDbi("catalog", DbiFlags.MDB_CREATE);
    this.reserve = new IndexReserve(directory.resolve("data.mdb"), env);
    try (Txn<byte[]> txn = env.txnWrite()) {
      reserve.replenish();
      byte[] format = meta.get(txn, FORMAT_KEY);
      if (format == null) {
        meta.put(txn, FORMAT_KEY, ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
      } else if (ByteBuffer.wrap(format).getInt() != FORMAT_VERSION) {
        throw new StoreException(
            StoreException.Kind.BAD_FORMAT,
            "index format version " + ByteBuffer.wrap(format).getInt() + " is not supported");
      }
      byte[] c = meta.get(txn, COUNTERS_KEY);
      counters = c == null ? new StoreCounters() : StoreCounters.decode(c);
      txn.commit();
    }
  }

  /** Opens the environment in {@code directory}, creating it when absent. */
  public static LmdbChunkIndex open(Path directory) throws IOException {
    Files.createDirectories(directory);
    Env<byte[]> env;
    try {
      env =
          Env.create(ByteArrayProxy.PROXY_BA)
              .setMapSize(MAP_SIZE)
              .setMaxDbs(4)
              .setMaxReaders(1024)
              // Read transactions are not tied to threads: lookups come from any thread.
              .open(directory.toFile(), EnvFlags.MDB_NOTLS);
    } catch (LmdbException e) {
      throw new IOException("cannot open the index in " + directory + ": " + e.getMessage(), e);
    }
    try {
      return new LmdbChunkIndex(directory, env);
    } catch (RuntimeException | IOException e) {
      env.close();
      throw e;
    }
  }

  @Override
  public IndexEntry get(ChunkId id) throws IOException {
    try (Txn<byte[]> txn = env.txnRead()) {
      byte[] v = chunks.get(txn, id.toBytes());
      return v == null ? null : IndexEntry.decode(v);
    } catch (LmdbException e) {
      throw wrap("read", e);
    }
  }

  @Override
  public IndexEntry[] getAll(List<ChunkId> ids) throws IOException {
    IndexEntry[] entries = new IndexEntry[ids.size()];
    try (Txn<byte[]> txn = env.txnRead()) {
      for (int i = 0; i < entries.length; i++) {
        byte[] v = chunks.get(txn, ids.get(i).toBytes());
        entries[i] = v == null ? null : IndexEntry.decode(v);
      }
      return entries;
    } catch (LmdbException e) {
      throw wrap("read", e);
    }
  }

  @Override
  public IndexBatch.Result apply(IndexBatch batch) throws IOException {
    if (batch.isEmpty()) {
      return new IndexBatch.Result(0, 0);
    }
    try (Txn<byte[]> txn = env.txnWrite()) {
      reserve.replenish();
      StoreCounters next = counters.copy();
      next.addIngested(batch.ingestedBytes);
      Map<Integer, PackState> touched = new HashMap<>();
      List<Integer> forgotten = new ArrayList<>();
      long deleted = 0;
      long deletedStored = 0;
      for (IndexBatch.Op op : batch.ops) {
        if (op instanceof IndexBatch.Put put) {
          byte[] key = put.id().toBytes();
          byte[] value = put.entry().encode();
          // Most puts are new chunks: try an insert first, one search of the tree instead of a
          // lookup and then an insert; a replaced entry (a relocation, a repair) is looked up.
          if (!chunks.put(txn, key, value, PutFlags.MDB_NOOVERWRITE)) {
            IndexEntry old = IndexEntry.decode(chunks.get(txn, key));
            next.addChunk(old, -1);
            countLive(txn, touched, old, -1);
            chunks.put(txn, key, value);
          }
          next.addChunk(put.entry(), 1);
          countLive(txn, touched, put.entry(), 1);
        } else if (op instanceof IndexBatch.DeleteIf del) {
          byte[] key = del.id().toBytes();
          byte[] cur = chunks.get(txn, key);
          if (cur != null) {
            IndexEntry e = IndexEntry.decode(cur);
            if (e.location().equals(del.expected())) {
              chunks.delete(txn, key);
              next.addChunk(e, -1);
              countLive(txn, touched, e, -1);
              deleted++;
              deletedStored += e.storedLength();
            }
          }
        } else if (op instanceof IndexBatch.IndexedUpTo up) {
          touched.put(up.packId(), pack(txn, touched, up.packId()).withIndexedUpTo(up.offset()));
        } else if (op instanceof IndexBatch.RetirePack r) {
          touched.put(r.packId(), pack(txn, touched, r.packId()).asRetired());
        } else if (op instanceof IndexBatch.ForgetPack f) {
          touched.remove(f.packId());
          forgotten.add(f.packId());
        }
      }
      for (Map.Entry<Integer, PackState> e : touched.entrySet()) {
        packs.put(txn, packKey(e.getKey()), e.getValue().encode());
      }
      for (int packId : forgotten) {
        packs.delete(txn, packKey(packId));
      }
      meta.put(txn, COUNTERS_KEY, next.encode());
      putRows(txn, batch.rows);
      txn.commit();
      counters = next;
      return new IndexBatch.Result(deleted, deletedStored);
    } catch (LmdbException e) {
      throw wrap("update", e);
    }
  }

  private void countLive(Txn<byte[]> txn, Map<Integer, PackState> touched, IndexEntry e, int sign) {
    int packId = e.location().packId();
    touched.put(packId, pack(txn, touched, packId).plusLive(sign, sign * e.recordLength()));
  }

  private PackState pack(Txn<byte[]> txn, Map<Integer, PackState> touched, int packId) {
    PackState s = touched.get(packId);
    if (s != null) {
      return s;
    }
    byte[] v = packs.get(txn, packKey(packId));
    return v == null ? PackState.fresh(0) : PackState.decode(v);
  }

  @Override
  public List<IndexedChunk> scan(ChunkId after, int limit) throws IOException {
    List<IndexedChunk> out = new ArrayList<>(Math.min(limit, 1 << 16));
    KeyRange<byte[]> range = after == null ? KeyRange.all() : KeyRange.greaterThan(after.toBytes());
    try (Txn<byte[]> txn = env.txnRead();
        CursorIterable<byte[]> it = chunks.iterate(txn, range)) {
      for (CursorIterable.KeyVal<byte[]> kv : it) {
        out.add(new IndexedChunk(ChunkId.of(kv.key()), IndexEntry.decode(kv.val())));
        if (out.size() >= limit) {
          break;
        }
      }
    } catch (LmdbException e) {
      throw wrap("scan", e);
    }
    return out;
  }

  @Override
  public Map<Integer, PackState> packs() throws IOException {
    Map<Integer, PackState> out = new TreeMap<>(Integer::compareUnsigned);
    try (Txn<byte[]> txn = env.txnRead();
        CursorIterable<byte[]> it = packs.iterate(txn)) {
      for (CursorIterable.KeyVal<byte[]> kv : it) {
        out.put(ByteBuffer.wrap(kv.key()).getInt(), PackState.decode(kv.val()));
      }
    } catch (LmdbException e) {
      throw wrap("scan", e);
    }
    return out;
  }

  /** The catalog tables, in the {@code catalog} database of the same environment. */
  @Override
  public Catalog catalog() {
    return new LmdbCatalog();
  }

  /** Table rows as keys {@code table 0x00 key} in one LMDB database. */
  private final class LmdbCatalog implements Catalog {
    @Override
    public byte[] get(String table, byte[] key) throws IOException {
      try (Txn<byte[]> txn = env.txnRead()) {
        return catalog.get(txn, rowKey(table, key));
      } catch (LmdbException e) {
        throw wrap("catalog read", e);
      }
    }

    @Override
    public List<Entry> list(String table) throws IOException {
      byte[] prefix = rowKey(table, new byte[0]);
      List<Entry> out = new ArrayList<>();
      try (Txn<byte[]> txn = env.txnRead();
          CursorIterable<byte[]> it = catalog.iterate(txn, KeyRange.atLeast(prefix))) {
        for (CursorIterable.KeyVal<byte[]> kv : it) {
          byte[] k = kv.key();
          if (k.length < prefix.length
              || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
            break;
          }
          out.add(new Entry(Arrays.copyOfRange(k, prefix.length, k.length), kv.val()));
        }
      } catch (LmdbException e) {
        throw wrap("catalog scan", e);
      }
      return out;
    }

    @Override
    public List<Entry> dump() throws IOException {
      List<Entry> out = new ArrayList<>();
      try (Txn<byte[]> txn = env.txnRead();
          CursorIterable<byte[]> it = catalog.iterate(txn)) {
        for (CursorIterable.KeyVal<byte[]> kv : it) {
          out.add(new Entry(kv.key(), kv.val()));
        }
      } catch (LmdbException e) {
        throw wrap("catalog dump", e);
      }
      return out;
    }

    @Override
    public void restore(List<Entry> rows) throws IOException {
      try (Txn<byte[]> txn = env.txnWrite()) {
        reserve.replenish();
        catalog.drop(txn);
        for (Entry e : rows) {
          catalog.put(txn, e.key(), e.value());
        }
        txn.commit();
      } catch (LmdbException e) {
        throw wrap("catalog restore", e);
      }
    }

    @Override
    public void apply(CatalogBatch batch) throws IOException {
      if (batch.isEmpty()) {
        return;
      }
      try (Txn<byte[]> txn = env.txnWrite()) {
        reserve.replenish();
        putRows(txn, batch);
        txn.commit();
      } catch (LmdbException e) {
        throw wrap("catalog update", e);
      }
    }
  }

  /** Writes catalog rows as keys {@code table 0x00 key} in {@code txn}. */
  private void putRows(Txn<byte[]> txn, CatalogBatch rows) {
    for (CatalogBatch.Change c : rows.changes()) {
      if (c.value() == null) {
        catalog.delete(txn, rowKey(c.table(), c.key()));
      } else {
        catalog.put(txn, rowKey(c.table(), c.key()), c.value());
      }
    }
  }

  private static byte[] rowKey(String table, byte[] key) {
    byte[] t = table.getBytes(StandardCharsets.UTF_8);
    if (t.length == 0 || table.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("bad catalog table name '" + table + "'");
    }
    byte[] k = new byte[t.length + 1 + key.length];
    System.arraycopy(t, 0, k, 0, t.length);
    System.arraycopy(key, 0, k, t.length + 1, key.length);
    return k;
  }

  @Override
  public StoreCounters counters() {
    return counters.copy();
  }

  @Override
  public long sizeOnDisk() throws IOException {
    long total = 0;
    for (String name : new String[] {"data.mdb", "lock.mdb"}) {
      Path p = directory.resolve(name);
      if (Files.exists(p)) {
        total += Files.size(p);
      }
    }
    return total;
  }

  @Override
  public void close() {
    env.close();
  }

  private static byte[] packKey(int packId) {
    return ByteBuffer.allocate(4).putInt(packId).array();
  }

  private IOException wrap(String what, LmdbException e) {
    if (e instanceof LmdbNativeException n
        && (n.getResultCode() == ENOSPC || (n.getResultCode() == EIO && nearlyFull()))) {
      return new StoreFullException("no space left for the index", e);
    }
    return new IOException("index " + what + " failed: " + e.getMessage(), e);
  }

  private boolean nearlyFull() {
    try {
      return Files.getFileStore(directory).getUsableSpace() < NEARLY_FULL;
    } catch (IOException e) {
      return false;
    }
  }
}
