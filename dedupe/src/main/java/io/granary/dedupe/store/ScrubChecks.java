package io.granary.dedupe.store;

import io.granary.dedupe.api.ChunkCorruptedException;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.index.IndexEntry;
import io.granary.dedupe.pack.PackHeader;
import io.granary.dedupe.pack.PackMissingException;
import io.granary.dedupe.pack.RecordFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;

/**
 * What a scrub checks, one chunk or one pack header at a time: each returns why it failed, or
 * {@code null}. A failure of the medium is reported like damage and the scrub goes on; only a
 * closed store stops it.
 */
final class ScrubChecks {
  private final ChunkReader reader;
  private final PackMedium storage;
  private final long storeId;

  ScrubChecks(ChunkReader reader, PackMedium storage, long storeId) {
    this.reader = reader;
    this.storage = storage;
    this.storeId = storeId;
  }

  /** Reads the chunk with every check, content hash included. */
  String chunk(ChunkId id, IndexEntry e) throws IOException {
    try {
      reader.read(id, e, true);
      return null;
    } catch (ChunkCorruptedException c) {
      return c.damage().reason();
    } catch (PackMissingException m) {
      reader.markDamaged(id);
      return "its pack file cannot be opened";
    } catch (StoreException s) {
      throw s;
    } catch (IOException medium) {
      // The medium failed this read (EIO from a bad sector, say): reported with the chunk, and
      // the scrub goes on. Not marked damaged: the error may pass, and then nothing was lost.
      return "cannot be read: " + medium.getMessage();
    }
  }

  /** The header of a live pack must be a valid one naming this pack of this store. */
  String pack(int packId) {
    ByteBuffer b = ByteBuffer.allocate(PackHeader.SIZE);
    try (PackMedium.Reader r = storage.openForRead(packId)) {
      r.read(b, 0);
    } catch (NoSuchFileException gone) {
      return "its pack file is missing";
    } catch (IOException medium) {
      return "cannot be read: " + medium.getMessage();
    }
    PackHeader h;
    try {
      h = PackHeader.decode(b.flip());
    } catch (RecordFormatException e) {
      return e.getMessage();
    }
    if (h.packId() != packId || h.storeId() != storeId) {
      return String.format("it names pack %08x of store %x", h.packId(), h.storeId());
    }
    return null;
  }
}
