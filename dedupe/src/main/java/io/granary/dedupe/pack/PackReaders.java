package io.granary.dedupe.pack;

import io.granary.dedupe.api.ChunkId;
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

  private final PackStorage storage;
  private final ConcurrentHashMap<Integer, PackStorage.Reader> open = new ConcurrentHashMap<>();

  public PackReaders(PackStorage storage) {
    this.storage = storage;
  }

  /**
   * Reads the whole record at {@code location} and checks that it is the chunk {@code id} with
   * {@code storedLength} payload bytes and an intact payload checksum.
   *
   * @return the validated header and the record's bytes (payload at {@link RecordHeader#SIZE})
   */
  public VerifiedRecord read(ChunkId id, PackLocation location, int storedLength)
      throws IOException, RecordDamagedException {
    PackStorage.Reader reader = reader(location.packId());
    ByteBuffer record = ByteBuffer.allocate(RecordHeader.SIZE + storedLength);
    int n;
    try {
      n = reader.read(record, location.offset());
    } catch (ClosedChannelException e) {
      throw new PackMissingException(location.packId(), false, e);
    }
    if (n < record.capacity()) {
      throw new RecordDamagedException(
          "record is cut short: the pack ends " + (location.offset() + n));
    }
    record.flip();
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

  private PackStorage.Reader reader(int packId) throws IOException {
    PackStorage.Reader r = open.get(packId);
    if (r != null) {
      return r;
    }
    try {
      r = storage.openForRead(packId);
    } catch (NoSuchFileException e) {
      throw new PackMissingException(packId, true, e);
    }
    PackStorage.Reader raced = open.putIfAbsent(packId, r);
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
    PackStorage.Reader r = open.remove(packId);
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
