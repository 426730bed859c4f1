package io.granary.dedupe.pack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A sealed pack's table of contents ({@code docs/format.md} §5.3): its header and the header and
 * offset of every record, so that an index is rebuilt from a pack on an object store without
 * reading the pack (a few KiB instead of 64 MiB). Pure encoding and decoding.
 *
 * <pre>
 * 0   8   magic "GRNYPLST"
 * 8   2   version = 1
 * 10  2   reserved, 0
 * 12  8   the pack's size in bytes
 * 20  32  the pack's header (§1.2)
 * 52  4   record count N, then N times: offset (8), record header (56, §1.3)
 *     4   CRC32C of everything before
 * </pre>
 */
public record PackListing(
    PackHeader header, long packSize, List<PackScanner.ScannedRecord> records) {
  private static final byte[] MAGIC = "GRNYPLST".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(56 + records.size() * (8 + RecordHeader.SIZE) + 4);
    b.put(MAGIC).putShort((short) VERSION).putShort((short) 0).putLong(packSize);
    b.put(header.encode());
    b.putInt(records.size());
    for (PackScanner.ScannedRecord r : records) {
      b.putLong(r.offset()).put(r.header().encode());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** The listing in {@code bytes}; its records carry no bytes (only offsets and headers). */
  public static PackListing decode(byte[] bytes) throws RecordFormatException {
    if (bytes.length < 60) {
      throw new RecordFormatException("a pack listing of " + bytes.length + " bytes");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
      throw new RecordFormatException("pack listing checksum mismatch");
    }
    byte[] magic = new byte[8];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC) || (b.getShort() & 0xffff) != VERSION) {
      throw new RecordFormatException("not a pack listing this build reads");
    }
    b.getShort();
    long size = b.getLong();
    PackHeader header = PackHeader.decode(b.slice(b.position(), PackHeader.SIZE));
    b.position(b.position() + PackHeader.SIZE);
    int count = b.getInt();
    if (count < 0 || (long) count * (8 + RecordHeader.SIZE) != b.remaining() - 4) {
      throw new RecordFormatException("a pack listing of " + count + " records does not fit");
    }
    List<PackScanner.ScannedRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long offset = b.getLong();
      RecordHeader h = RecordHeader.decode(b.slice(b.position(), RecordHeader.SIZE));
      b.position(b.position() + RecordHeader.SIZE);
      if (offset < PackHeader.SIZE || offset + h.recordLength() > size) {
        throw new RecordFormatException("a listed record lies outside its pack");
      }
      records.add(new PackScanner.ScannedRecord(offset, h, null));
    }
    return new PackListing(header, size, records);
  }
}
