package io.granary.appliance.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** A remote's bandwidth limit holds a stream to its rate; no limit holds nothing back. */
class PacedOutputStreamTest {
  @Test
  void aLimitedStreamTakesItsBytesOverRate() throws Exception {
    byte[] data = new byte[2_000_000];
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    long start = System.nanoTime();
    try (PacedOutputStream out = new PacedOutputStream(sink, 4_000_000)) {
      out.write(data);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(data.length, sink.size());
    // 0.5 s at 4 MB/s, less the quarter second of burst.
    assertTrue(seconds >= 0.24, seconds + " s");

    start = System.nanoTime();
    try (PacedOutputStream out = new PacedOutputStream(new ByteArrayOutputStream(), 0)) {
      out.write(new byte[20_000_000]);
    }
    assertTrue((System.nanoTime() - start) / 1e9 < 0.24, "no limit: no wait");
  }
}
