package io.granary.snapshots.replication;

import static io.granary.snapshots.replication.ReplicationStreamTest.SIZE;
import static io.granary.snapshots.replication.ReplicationStreamTest.content;
import static io.granary.snapshots.replication.ReplicationStreamTest.receive;
import static io.granary.snapshots.replication.ReplicationStreamTest.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.StoredChunk;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.StreamRefusedException;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.testing.TestPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile or broken stream gets a clear refusal and changes nothing: the replica keeps its
 * snapshots and its bytes. Each case is a real stream, damaged or forged one way.
 */
class BadStreamTest {
  @TempDir Path dir;
  TestPool a;
  TestPool b;
  byte[] incremental;
  byte[] before;

  @BeforeEach
  void replicaAtS1() throws Exception {
    a = new TestPool(dir.resolve("a"));
    b = new TestPool(dir.resolve("b"));
    a.volumes().create("vm", VolumeSpec.ofSize(SIZE));
    write(a.volumes(), "vm", 1, 200);
    a.volumes().snapshot("vm", "s1");
    receive(b.volumes(), "vm", send(a.volumes(), "vm@s1", null), false);
    write(a.volumes(), "vm", 2, 40);
    a.volumes().snapshot("vm", "s2");
    incremental = send(a.volumes(), "vm@s2", "s1");
    before = content(b.volumes(), StateRef.head("vm"));
  }

  @AfterEach
  void close() throws Exception {
    a.close();
    b.close();
  }

  private static void write(VolumeStore store, String volume, long seed, int blocks)
      throws Exception {
    Random random = new Random(seed);
    try (Volume v = store.open(volume)) {
      byte[] block = new byte[v.blockSize()];
      for (int i = 0; i < blocks; i++) {
        random.nextBytes(block);
        Arrays.fill(block, 0, block.length / 2, (byte) 'g'); // compressible: lz4 records
        v.write(
            (long) random.nextInt((int) (SIZE / block.length)) * block.length,
            block,
            0,
            block.length,
            false);
      }
    }
  }

  private void assertRefused(byte[] stream, String expected) throws Exception {
    StreamRefusedException e =
        assertThrows(StreamRefusedException.class, () -> receive(b.volumes(), "vm", stream, false));
    assertTrue(
        e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    assertUnchanged();
  }

  private void assertUnchanged() throws Exception {
    assertEquals(List.of("s1"), b.volumes().snapshots("vm").stream().map(s -> s.name()).toList());
    assertArrayEquals(before, content(b.volumes(), StateRef.head("vm")));
  }

  @Test
  void truncatedAnywhere() throws Exception {
    for (int cut :
        new int[] {
          0,
          5,
          11,
          12,
          40,
          incremental.length / 3,
          incremental.length / 2,
          incremental.length - 60,
          incremental.length - 1
        }) {
      assertRefused(Arrays.copyOf(incremental, cut), cut < 12 ? "" : "truncated");
    }
    // the good stream still goes in afterwards
    receive(b.volumes(), "vm", incremental, false);
    assertArrayEquals(
        content(a.volumes(), StateRef.parse("vm@s2")), content(b.volumes(), StateRef.head("vm")));
  }

  @Test
  void aFlippedByteFailsItsRecordsCrc() throws Exception {
    for (int at : new int[] {20, incremental.length / 2, incremental.length - 30}) {
      byte[] damaged = incremental.clone();
      damaged[at] ^= 0x10;
      assertRefused(damaged, "CRC");
    }
  }

  @Test
  void aChunkThatIsNotWhatItsIdSaysWithAValidCrc() throws Exception {
    StoredChunk[] first = new StoredChunk[1];
    // Another chunk's payload under this id: decodes, hashes to another id.
    assertRefused(
        rewrite(
            incremental,
            r -> {
              if (r instanceof StreamRecord.Chunk c && c.level() == 0) {
                if (first[0] == null) {
                  first[0] = c.chunk();
                  return r;
                }
                StoredChunk s = c.chunk();
                return new StreamRecord.Chunk(
                    0,
                    new StoredChunk(
                        s.id(),
                        first[0].codec(),
                        first[0].level(),
                        first[0].rawLength(),
                        first[0].payload()));
              }
              return r;
            }),
        "hashes to another id");
    // A payload that does not decompress.
    assertRefused(
        rewrite(
            incremental,
            r -> {
              if (r instanceof StreamRecord.Chunk c && c.chunk().codec() == Codec.LZ4) {
                StoredChunk s = c.chunk();
                byte[] junk = new byte[s.payload().length];
                new Random(7).nextBytes(junk);
                return new StreamRecord.Chunk(
                    c.level(), new StoredChunk(s.id(), Codec.LZ4, 0, s.rawLength(), junk));
              }
              return r;
            }),
        "refused");
  }

  @Test
  void aWrongFinalRootOrAForgedRoot() throws Exception {
    byte[] otherBytes = new byte[32];
    otherBytes[0] = 7;
    ChunkId forged = ChunkId.of(otherBytes);
    assertRefused(
        rewrite(
            incremental,
            r -> r instanceof StreamRecord.End ? new StreamRecord.End(0, 0, forged) : r),
        "END record names root");
    // BEGIN and END agree on a root the stream never carried.
    assertRefused(
        rewrite(
            incremental,
            r -> {
              if (r instanceof StreamRecord.Begin g) {
                StreamHeader h = g.header();
                return new StreamRecord.Begin(
                    new StreamHeader(
                        h.source(),
                        h.sourceCreated(),
                        h.snapshot(),
                        h.created(),
                        h.size(),
                        h.blockSize(),
                        forged,
                        h.base(),
                        h.baseRoot(),
                        h.codec(),
                        h.dedupe()));
              }
              return r instanceof StreamRecord.End ? new StreamRecord.End(0, 0, forged) : r;
            }),
        "incomplete");
  }

  @Test
  void aStreamForAnotherVolume() throws Exception {
    a.volumes().create("other", VolumeSpec.ofSize(SIZE));
    write(a.volumes(), "other", 3, 10);
    a.volumes().snapshot("other", "s1x");
    assertRefused(send(a.volumes(), "other@s1x", null), "receive it into a new volume");
  }

  @Test
  void anIncrementalWithoutItsBase() throws Exception {
    try (TestPool c = new TestPool(dir.resolve("c"))) {
      StreamRefusedException e =
          assertThrows(
              StreamRefusedException.class, () -> receive(c.volumes(), "vm", incremental, false));
      assertTrue(e.getMessage().contains("incremental from a snapshot"), e.getMessage());
      assertEquals(List.of(), c.volumes().list());
    }
  }

  @Test
  void badFramingIsRefusedBeforeAnythingIsAllocated() throws Exception {
    byte[] magic = incremental.clone();
    magic[0] = 'X';
    assertRefused(magic, "bad magic");
    byte[] version = incremental.clone();
    version[9] = 9;
    assertRefused(version, "version 9");
    byte[] huge = incremental.clone();
    ByteBuffer.wrap(huge, 12 + 1, 4).putInt(Integer.MAX_VALUE); // BEGIN's length
    assertRefused(huge, "at most");
    byte[] trailing = Arrays.copyOf(incremental, incremental.length + 3);
    assertRefused(trailing, "after the END record");
  }

  /** The stream with each record passed through {@code change}, framed anew (valid CRCs). */
  static byte[] rewrite(byte[] stream, UnaryOperator<StreamRecord> change) throws Exception {
    StreamReader in = new StreamReader(new ByteArrayInputStream(stream));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(out);
    for (StreamRecord r = in.next(); r != null; r = in.next()) {
      StreamRecord n = change.apply(r);
      if (n instanceof StreamRecord.Begin g) {
        w.begin(g.header());
      } else if (n instanceof StreamRecord.Chunk c) {
        w.chunk(c.level(), c.chunk());
      } else if (n instanceof StreamRecord.End e) {
        w.end(e.root());
      }
    }
    return out.toByteArray();
  }
}
