package io.granary.nbd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadArraysTest {
  @Test
  void aLargeArrayGivenBackServesTheNextRequestOfItsSize() {
    PayloadArrays arrays = new PayloadArrays();
    byte[] a = arrays.take(1 << 20);
    assertEquals(1 << 20, a.length);
    arrays.giveBack(a);
    assertSame(a, arrays.take(1 << 20));
    assertEquals(0, arrays.kept());
  }

  @Test
  void lengthsRoundUpToAPowerOfTwoAndShareItsArrays() {
    PayloadArrays arrays = new PayloadArrays();
    byte[] a = arrays.take(600_000);
    assertEquals(1 << 20, a.length);
    arrays.giveBack(a);
    assertSame(a, arrays.take((1 << 19) + 1));
    byte[] b = arrays.take(1 << 19);
    assertEquals(1 << 19, b.length);
  }

  @Test
  void smallPayloadsGetExactFreshArraysThatAreNotKept() {
    PayloadArrays arrays = new PayloadArrays();
    byte[] a = arrays.take(4096);
    assertEquals(4096, a.length);
    arrays.giveBack(a);
    assertEquals(0, arrays.kept());
    assertNotSame(a, arrays.take(4096));
  }

  @Test
  void keepsNoMoreThanItsBoundPerSize() {
    PayloadArrays arrays = new PayloadArrays();
    int size = 8 << 20;
    long max = PayloadArrays.KEPT_BYTES / size;
    List<byte[]> taken = new ArrayList<>();
    for (int i = 0; i < max + 3; i++) {
      taken.add(arrays.take(size));
    }
    taken.forEach(arrays::giveBack);
    assertEquals(max, arrays.kept());
  }

  @Test
  void anArrayNotFromThePoolIsNotKept() {
    PayloadArrays arrays = new PayloadArrays();
    arrays.giveBack(new byte[100_000]); // not a power of two: not one of its arrays
    arrays.giveBack(null); // a skipped payload
    assertEquals(0, arrays.kept());
  }
}
