package io.granary.dedupe.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PackHeaderTest {
  @Test
  void roundTripsAndRejectsEveryBitFlip() throws Exception {
    PackHeader h = new PackHeader(0x2a, 0x0123456789abcdefL);
    byte[] good = h.encode().array();
    assertEquals(PackHeader.SIZE, good.length);
    assertEquals(h, PackHeader.decode(ByteBuffer.wrap(good)));
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        assertThrows(RecordFormatException.class, () -> PackHeader.decode(ByteBuffer.wrap(bad)));
      }
    }
  }
}
