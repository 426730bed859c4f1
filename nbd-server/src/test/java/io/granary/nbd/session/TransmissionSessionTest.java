package io.granary.nbd.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.protocol.ChunkType;
import io.granary.nbd.protocol.CommandFlag;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdMagic;
import io.granary.nbd.protocol.NbdRequest;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.NbdWire.Chunk;
import io.granary.nbd.testing.TestExports;
import io.granary.snapshots.api.Volume;
import io.granary.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests against a real 2 MiB volume, replies captured whole as the transport sends them. */
class TransmissionSessionTest {
  private static final int MIB = 1 << 20;
  private static final int AT = 512 << 10;
  private static final byte[] DATA = TestData.random(1, 4096);

  @TempDir Path dir;
  private TestExports exports;
  private final List<TransmissionSession> sessions = new ArrayList<>();
  private final List<byte[]> sent = new ArrayList<>();

  @BeforeEach
  void pool() throws Exception {
    exports = new TestExports(dir);
    exports.create("a", 2 * MIB);
  }

  @AfterEach
  void close() throws Exception {
    sessions.forEach(TransmissionSession::close);
    exports.close();
  }

  @Test
  void writeThenReadBack() throws Exception {
    TransmissionSession s = open("test/a", false, false);
    byte[] data = TestData.random(2, 10_000);
    assertSimple(
        1, 0, serve(s, NbdCommand.WRITE, CommandFlag.FUA.mask(), 1, 4196, data.length, data));
    assertSimple(2, 0, serve(s, NbdCommand.FLUSH, 0, 2, 0, 0, null));
    byte[] reply = serve(s, NbdCommand.READ, 0, 3, 4196, data.length, null);
    assertSimple(3, 0, Arrays.copyOf(reply, 16));
    assertArrayEquals(data, Arrays.copyOfRange(reply, 16, reply.length));
  }

  @Test
  void aSparseStructuredReadIsHolesAndDataCoveringTheRangeExactly() throws Exception {
    TransmissionSession s = open("test/a", true, false);
    serve(s, NbdCommand.WRITE, 0, 1, AT, DATA.length, DATA);
    List<Chunk> chunks = NbdWire.chunks(serve(s, NbdCommand.READ, 0, 9, 0, MIB, null));
    byte[] expected = new byte[MIB];
    System.arraycopy(DATA, 0, expected, AT, DATA.length);
    byte[] got = new byte[MIB];
    long next = 0;
    List<Integer> types = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      assertEquals(9, c.cookie());
      assertEquals(i == chunks.size() - 1, c.done(), "DONE on the last chunk only");
      ByteBuffer b = c.body();
      assertEquals(next, b.getLong(), "chunks follow each other without gap or overlap");
      types.add(c.type());
      if (c.type() == ChunkType.OFFSET_HOLE.code()) {
        next += b.getInt();
        assertEquals(0, b.remaining());
      } else {
        assertEquals(ChunkType.OFFSET_DATA.code(), c.type());
        int n = b.remaining();
        b.get(got, (int) next, n);
        next += n;
      }
    }
    assertEquals(MIB, next, "the chunks cover the read exactly");
    assertArrayEquals(expected, got);
    assertTrue(
        types.contains(ChunkType.OFFSET_HOLE.code())
            && types.contains(ChunkType.OFFSET_DATA.code()),
        "holes and data: " + types);
  }

  @Test
  void aDfReadIsOneDataChunk() throws Exception {
    TransmissionSession s = open("test/a", true, false);
    serve(s, NbdCommand.WRITE, 0, 1, AT, DATA.length, DATA);
    List<Chunk> chunks =
        NbdWire.chunks(serve(s, NbdCommand.READ, CommandFlag.DF.mask(), 2, 0, MIB, null));
    assertEquals(1, chunks.size());
    Chunk c = chunks.get(0);
    assertEquals(ChunkType.OFFSET_DATA.code(), c.type());
    assertTrue(c.done());
    assertEquals(8 + MIB, c.payload().length);
    assertEquals(0, c.body().getLong());
    assertArrayEquals(DATA, Arrays.copyOfRange(c.payload(), 8 + AT, 8 + AT + DATA.length));
  }

  @Test
  void readErrorsUnderStructuredRepliesAreErrorChunks() throws Exception {
    TransmissionSession s = open("test/a", true, false);
    assertErrorChunk(5, 22, serve(s, NbdCommand.READ, 0, 5, 2 * MIB - 100, 4096, null));
    assertErrorChunk(
        6, 22, serve(s, NbdCommand.READ, CommandFlag.NO_HOLE.mask(), 6, 0, 4096, null));
    // A failure of the volume itself, after validation: this handle is closed.
    sessions.get(0).close();
    assertErrorChunk(7, 108, serve(s, NbdCommand.READ, 0, 7, 0, 4096, null));
    // Commands without data keep simple replies.
    assertSimple(8, 108, serve(s, NbdCommand.WRITE, 0, 8, 0, 1, new byte[1]));
  }

  @Test
  void readErrorsWithSimpleRepliesCarryNoData() throws Exception {
    TransmissionSession s = open("test/a", false, false);
    assertSimple(5, 22, serve(s, NbdCommand.READ, 0, 5, 2 * MIB, 1, null));
    assertSimple(6, 22, serve(s, NbdCommand.READ, 0, 6, 0, (32 << 20) + 1, null));
  }

  @Test
  void zeroLengthRequestsAreAnswered() throws Exception {
    TransmissionSession s = open("test/a", true, false);
    List<Chunk> none = NbdWire.chunks(serve(s, NbdCommand.READ, 0, 3, 4096, 0, null));
    assertEquals(List.of(ChunkType.NONE.code()), none.stream().map(Chunk::type).toList());
    assertTrue(none.get(0).done());
    assertSimple(4, 0, serve(s, NbdCommand.WRITE, 0, 4, 4096, 0, new byte[0]));
    assertSimple(5, 0, serve(s, NbdCommand.TRIM, 0, 5, 4096, 0, null));
  }

  @Test
  void zeroingAndTrimmingReadBackAsZeroes() throws Exception {
    TransmissionSession s = open("test/a", false, false);
    byte[] ones = new byte[3 * 16384];
    Arrays.fill(ones, (byte) 1);
    serve(s, NbdCommand.WRITE, 0, 1, 0, ones.length, ones);
    int fastNoHole = CommandFlag.FAST_ZERO.mask() | CommandFlag.NO_HOLE.mask();
    assertSimple(2, 0, serve(s, NbdCommand.WRITE_ZEROES, fastNoHole, 2, 100, 16384, null));
    assertSimple(3, 0, serve(s, NbdCommand.TRIM, 0, 3, 20000, 20000, null));
    byte[] expected = ones.clone();
    Arrays.fill(expected, 100, 100 + 16384, (byte) 0);
    Arrays.fill(expected, 20000, 40000, (byte) 0);
    byte[] reply = serve(s, NbdCommand.READ, 0, 4, 0, ones.length, null);
    assertArrayEquals(expected, Arrays.copyOfRange(reply, 16, reply.length));
  }

  @Test
  void blockStatusDescribesHolesAndData() throws Exception {
    TransmissionSession s = open("test/a", true, true);
    serve(s, NbdCommand.WRITE, 0, 1, AT, DATA.length, DATA);
    assertArrayEquals(
        NbdWire.hex("00000001 00080000 00000003 00004000 00000000 0007c000 00000003"),
        only(serve(s, NbdCommand.BLOCK_STATUS, 0, 2, 0, MIB, null)).payload());
    assertArrayEquals(
        NbdWire.hex("00000001 00080000 00000003"),
        only(serve(s, NbdCommand.BLOCK_STATUS, CommandFlag.REQ_ONE.mask(), 3, 0, MIB, null))
            .payload());
  }

  @Test
  void aSnapshotRefusesChangesWithEperm() throws Exception {
    exports.volumes().snapshot("a", "s");
    TransmissionSession s = open("test/a@s", true, false);
    assertSimple(1, 1, serve(s, NbdCommand.WRITE, 0, 1, 0, 1, new byte[1]));
    assertSimple(2, 1, serve(s, NbdCommand.TRIM, 0, 2, 0, 4096, null));
    assertSimple(
        3, 22, serve(s, NbdCommand.WRITE_ZEROES, CommandFlag.FAST_ZERO.mask(), 3, 0, 4096, null));
    assertSimple(4, 0, serve(s, NbdCommand.FLUSH, 0, 4, 0, 0, null));
  }

  @Test
  void withoutWaitingAWriteIsAnsweredAtOnceAndWhatSyncsIsLeftToServe() throws Exception {
    TransmissionSession s = open("test/a", false, false);
    List<byte[]> replies = new ArrayList<>();
    ReplySink sink = parts -> replies.add(NbdWire.bytes(parts));
    int write = NbdCommand.WRITE.code();
    assertTrue(s.serveWithoutWaiting(new NbdRequest(0, write, 1, AT, 4096), DATA, sink));
    assertEquals(1, replies.size());
    assertSimple(1, 0, replies.get(0));
    int fua = CommandFlag.FUA.mask();
    assertFalse(s.serveWithoutWaiting(new NbdRequest(fua, write, 2, 0, 4096), DATA, sink));
    int flush = NbdCommand.FLUSH.code();
    assertFalse(s.serveWithoutWaiting(new NbdRequest(0, flush, 3, 0, 0), null, sink));
    assertEquals(1, replies.size(), "nothing answered for what was left to serve");
    byte[] reply = serve(s, NbdCommand.READ, 0, 4, 0, AT + 4096, null);
    byte[] expected = new byte[AT + 4096];
    System.arraycopy(DATA, 0, expected, AT, 4096); // the first write, and not the FUA one
    assertArrayEquals(expected, Arrays.copyOfRange(reply, 16, reply.length));
  }

  private TransmissionSession open(String name, boolean structured, boolean blockStatus)
      throws Exception {
    Volume volume = exports.open(name);
    TransmissionSession s =
        new TransmissionSession(
            new OptionOutcome.Transmission(
                exports.describe(name).orElseThrow(),
                volume,
                structured,
                blockStatus ? List.of(ContextMap.baseAllocation(1, volume)) : List.of()),
            "test");
    sessions.add(s);
    return s;
  }

  /** Serves one request and returns its reply; exactly one reply per request. */
  private byte[] serve(
      TransmissionSession s,
      NbdCommand c,
      int flags,
      long cookie,
      long offset,
      long length,
      byte[] payload) {
    int before = sent.size();
    s.serve(
        new NbdRequest(flags, c.code(), cookie, offset, length),
        payload,
        parts -> sent.add(NbdWire.bytes(parts)));
    assertEquals(before + 1, sent.size(), "one reply to " + c);
    return sent.get(before);
  }

  private static void assertSimple(long cookie, int error, byte[] reply) {
    assertArrayEquals(
        ByteBuffer.allocate(16).putInt(NbdMagic.SIMPLE_REPLY).putInt(error).putLong(cookie).array(),
        reply);
  }

  private static void assertErrorChunk(long cookie, int error, byte[] reply) {
    Chunk c = only(reply);
    assertEquals(ChunkType.ERROR.code(), c.type());
    assertTrue(c.done());
    assertEquals(cookie, c.cookie());
    ByteBuffer b = c.body();
    assertEquals(error, b.getInt());
    assertEquals(b.remaining() - 2, b.getShort(), "message length");
  }

  private static Chunk only(byte[] reply) {
    List<Chunk> chunks = NbdWire.chunks(reply);
    assertEquals(1, chunks.size());
    assertTrue(chunks.get(0).done());
    return chunks.get(0);
  }
}
