package io.granary.dedupe.pack;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.PackMedium;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.NoSuchFileException;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads records at known locations and verifies them, keeping a bounded set of packs open.
 * Thread-safe.
 */
public final class PackReaders implements Closeable {
  /** Open packs beyond this are closed; a read that loses its handle is retried by the caller. */
  private static final int MAX_OPEN = 256;

  /** Per thread: the buffer of {@link #readShared}, grown to the largest record read. */
  private static final ThreadLocal<byte[]> SHARED = ThreadLocal.withInitial(() -> new byte[0]);

  private final PackMedium storage;
  private final ConcurrentHashMap<Integer, PackMedium.Reader> open = new ConcurrentHashMap<>();

  public PackReaders(PackMedium storage) {
    this.storage = storage;
  }

  /**
   * Reads the whole record at {@code location} and checks that it is the chunk {@code id} with
   * {@code storedLength} payload bytes and an intact payload checksum.
   *
   * @return the validated header and the record's bytes (payload at {@link RecordHeader#SIZE}),
   *     in a heap buffer of its own
   */
  public VerifiedRecord read(ChunkId id, PackLocation location, int storedLength)
      throws IOException, RecordDamagedException {
    return load(new byte[RecordHeader.SIZE + storedLength], id, location, storedLength);
  }

  /**
   * As {@link #read}, into a heap buffer of the calling thread, valid until its next {@code
   * readShared}: nothing is allocated.
   */
  public VerifiedRecord readShared(ChunkId id, PackLocation location, int storedLength)
      throws IOException, RecordDamagedException {
    int size = RecordHeader.SIZE + storedLength;
    byte[] b = SHARED.get();
    if (b.length < size) {
      b = new byte[Math.max(size, b.length * 2)];
      SHARED.set(b);
    }
    return load(b, id, location, storedLength);
  }

  /**
   * Loads the record into {@code b}: copied out of the pack's mapping ({@link
   * PackMedium.Reader#view}) when the pack is mapped, else read from the file, and checked in
   * the copy, never in the mapping: a medium error under a mapping faults the access, which the
   * JVM turns into an error only in bulk copies (JDK-8191278), not in the checksum's intrinsic.
   */
  private VerifiedRecord load(byte[] b, ChunkId id, PackLocation location, int storedLength)
      throws IOException, RecordDamagedException {
    int size = RecordHeader.SIZE + storedLength;
    ByteBuffer record = ByteBuffer.wrap(b, 0, size);
    PackMedium.View view;
    try {
      view = reader(location.packId()).view(location.offset(), size);
    } catch (ClosedChannelException e) {
      throw new PackMissingException(location.packId(), false, e);
    }
    if (view == null) {
      return readInto(record, id, location);
    }
    try (view) {
      view.bytes().get(0, b, 0, size);
    } catch (InternalError e) {
      throw new IOException(
          "pack " + location.packId() + " could not be read at " + location.offset(), e);
    }
    return verify(record, id, storedLength);
  }

  private VerifiedRecord readInto(ByteBuffer record, ChunkId id, PackLocation location)
      throws IOException, RecordDamagedException {
    int storedLength = record.remaining() - RecordHeader.SIZE;
    PackMedium.Reader reader = reader(location.packId());
    int n;
    try {
      n = reader.read(record, location.offset());
    } catch (ClosedChannelException e) {
      throw new PackMissingException(location.packId(), false, e);
    } catch (NoSuchFileException e) {
      // a pack whose reader opened without touching it (on an object store) found gone
      throw new PackMissingException(location.packId(), true, e);
    }
    if (n < record.limit()) {
      throw new RecordDamagedException(
          "record is cut short: the pack ends " + (location.offset() + n));
    }
    return verify(record.flip(), id, storedLength);
  }

  /** Checks the record in {@code record} (position 0, limit its end) and returns it. */
  private static VerifiedRecord verify(ByteBuffer record, ChunkId id, int storedLength)
      throws RecordDamagedException {
    RecordHeader header;
    try {
      header = RecordHeader.decode(record);
    } catch (RecordFormatException e) {
      throw new RecordDamagedException(e.getMessage());
    }
    if (!header.id().equals(id)) {
      throw new RecordDamagedException("the record holds chunk " + header.id().shortForm());
    }
    if (header.storedLength() != storedLength) {
      throw new RecordDamagedException(
          "the record stores " + header.storedLength() + " bytes, the index says " + storedLength);
    }
    int crc = RecordHeader.payloadCrc(record.array(), RecordHeader.SIZE, storedLength);
    if (crc != header.payloadCrc()) {
      throw new RecordDamagedException("payload checksum mismatch");
    }
    return new VerifiedRecord(header, record.rewind());
  }

  /** A record that passed every check short of decompressing and re-hashing its payload. */
  public record VerifiedRecord(RecordHeader header, ByteBuffer bytes) {
    /** The backing array; the payload starts at {@link RecordHeader#SIZE}. */
    public byte[] array() {
      return bytes.array();
    }
  }

  private PackMedium.Reader reader(int packId) throws IOException {
    PackMedium.Reader r = open.get(packId);
    if (r != null) {
      return r;
    }
    try {
      r = storage.openForRead(packId);
    } catch (NoSuchFileException e) {
      throw new PackMissingException(packId, true, e);
    }
    PackMedium.Reader raced = open.putIfAbsent(packId, r);
    if (raced != null) {
      r.close();
      return raced;
    }
    if (open.size() > MAX_OPEN) {
      evictOneBesides(packId);
    }
    return r;
  }

  private void evictOneBesides(int keep) {
    Iterator<Integer> it = open.keySet().iterator();
    while (it.hasNext()) {
      int id = it.next();
      if (id != keep) {
        evict(id);
        return;
      }
    }
  }

  /** Closes a pack's handle (before its file is deleted, or to bound open files). */
  public void evict(int packId) {
    PackMedium.Reader r = open.remove(packId);
    if (r != null) {
      try {
        r.close();
      } catch (IOException ignored) {
        // a read-only handle has nothing to lose
      }
    }
  }

  @Override
  public void close() {
    for (Integer id : open.keySet()) {
      evict(id);
    }
  }
}
