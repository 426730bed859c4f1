package io.granary.snapshots.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Rows of the {@code volumes} table ({@code docs/format.md} §4.1), old and new. */
class VolumeRecordTest {
  @Test
  void roundTripsBothDedupeSettings() {
    for (boolean dedupe : new boolean[] {true, false}) {
      VolumeRecord r =
          new VolumeRecord(
              "vm",
              7,
              1 << 20,
              16384,
              null,
              5,
              6,
              1000,
              2000,
              "zstd:3",
              "gold",
              "a@b",
              dedupe,
              dedupe ? "" : "tank/vm#1000");
      byte[] row = r.encode();
      assertEquals(3, row[0], "written as version 3");
      assertEquals(r, VolumeRecord.decode("vm", row));
    }
  }

  @Test
  void aVersionTwoRowReadsAsNoReplica() {
    VolumeRecord r =
        new VolumeRecord("vm", 7, 1, 4096, null, 0, 0, 0, 0, "lz4", "d", "", false, "x#1");
    byte[] v3 = r.encode();
    byte[] v2 = Arrays.copyOf(v3, v3.length - 2 - 3); // without the replicaOf string
    v2[0] = 2;
    VolumeRecord old = VolumeRecord.decode("vm", v2);
    assertEquals(r.withReplicaOf(""), old);
    assertTrue(!old.isReplica());
  }

  @Test
  void aVersionOneRowReadsAsDedupeOn() {
    ByteBuffer b = ByteBuffer.allocate(200);
    b.put((byte) 1).putLong(7).putLong(1 << 20).putInt(16384);
    b.put(new byte[32]); // the empty root
    b.putLong(5).putLong(6).putLong(1000).putLong(2000);
    for (String s : new String[] {"lz4", "default", ""}) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      b.putShort((short) u.length).put(u);
    }
    byte[] row = Arrays.copyOf(b.array(), b.position());
    VolumeRecord r = VolumeRecord.decode("old", row);
    assertTrue(r.dedupe());
    assertEquals(
        new VolumeRecord(
            "old", 7, 1 << 20, 16384, null, 5, 6, 1000, 2000, "lz4", "default", "", true, ""),
        r);
  }

  @Test
  void unknownVersionsAndFlagValuesAreRefused() {
    byte[] row =
        new VolumeRecord("vm", 7, 1, 4096, null, 0, 0, 0, 0, "lz4", "d", "", true, "").encode();
    row[row.length - 3] = 2;
    assertThrows(IllegalStateException.class, () -> VolumeRecord.decode("vm", row));
    row[0] = 4;
    assertThrows(IllegalStateException.class, () -> VolumeRecord.decode("vm", row));
  }
}
