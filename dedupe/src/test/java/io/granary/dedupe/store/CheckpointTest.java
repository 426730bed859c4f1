package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.pack.RecordFormatException;
import io.granary.testing.TestData;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  private static Checkpoint sample() {
    return new Checkpoint(
        0x0123456789abcdefL,
        1_765_000_000_000L,
        1_765_000_000_123L,
        0x2a,
        TestData.random(1, 300),
        List.of(
            new Catalog.Entry("volumes\0vm1".getBytes(), TestData.random(2, 90)),
            new Catalog.Entry("snapshots\0vm1@a".getBytes(), new byte[0])));
  }

  @Test
  void aCheckpointDecodesToWhatWasEncoded() throws Exception {
    Checkpoint c = sample();
    Checkpoint d = Checkpoint.decode(c.encode());
    assertEquals(c.storeId(), d.storeId());
    assertEquals(c.generation(), d.generation());
    assertEquals(c.createdMillis(), d.createdMillis());
    assertEquals(c.lastPackId(), d.lastPackId());
    assertArrayEquals(c.extras(), d.extras());
    assertEquals(2, d.rows().size());
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(c.rows().get(i).key(), d.rows().get(i).key());
      assertArrayEquals(c.rows().get(i).value(), d.rows().get(i).value());
    }
  }

  @Test
  void everyFlippedByteAndEveryCutIsRefused() {
    byte[] good = sample().encode();
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x40;
      assertThrows(RecordFormatException.class, () -> Checkpoint.decode(bad), "byte " + i);
    }
    for (int n : new int[] {0, 10, 47, good.length - 1}) {
      byte[] cut = Arrays.copyOf(good, n);
      RecordFormatException e =
          assertThrows(RecordFormatException.class, () -> Checkpoint.decode(cut), n + " bytes");
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }
  }
}
