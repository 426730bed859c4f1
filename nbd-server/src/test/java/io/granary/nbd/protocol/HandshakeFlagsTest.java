package io.granary.nbd.protocol;

import static io.granary.nbd.testing.NbdWire.bytes;
import static io.granary.nbd.testing.NbdWire.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The greeting and the client's flags that answer it. */
class HandshakeFlagsTest {

  @Test
  void greetingOffersFixedNewstyleAndNoZeroes() {
    assertArrayEquals(hex("4e42444d41474943 49484156454f5054 0003"), bytes(Greeting.encode()));
    assertEquals(Greeting.LENGTH, Greeting.encode().remaining());
  }

  @Test
  void knownClientFlagsAreAccepted() throws Exception {
    assertEquals(1, HandshakeFlags.checkClientFlags(1));
    assertEquals(3, HandshakeFlags.checkClientFlags(3));
  }

  @Test
  void anUnknownClientFlagIsAViolation() {
    for (int flags : new int[] {1 | 4, 3 | 8, 1 | 0x80000000, 0xffffffff}) {
      assertThrows(
          ProtocolViolation.class,
          () -> HandshakeFlags.checkClientFlags(flags),
          Integer.toHexString(flags));
    }
  }

  @Test
  void aClientWithoutFixedNewstyleIsRefused() {
    assertThrows(ProtocolViolation.class, () -> HandshakeFlags.checkClientFlags(0));
    assertThrows(
        ProtocolViolation.class, () -> HandshakeFlags.checkClientFlags(HandshakeFlags.C_NO_ZEROES));
  }
}
