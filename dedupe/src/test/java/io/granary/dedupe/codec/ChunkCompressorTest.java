package io.granary.dedupe.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.CodecSpec;
import io.granary.testing.TestData;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkCompressorTest {
  private final ChunkCompressor compressor = new ChunkCompressor();

  @ParameterizedTest
  @ValueSource(strings = {"none", "lz4", "zstd:1", "zstd:3", "zstd:19"})
  void compressibleDataShrinksAndRoundTrips(String spec) throws Exception {
    CodecSpec codec = CodecSpec.parse(spec);
    byte[] data = TestData.compressible(7, 65536);
    ChunkCompressor.Compressed c = compressor.compress(codec, data, 0, data.length);
    assertEquals(codec.codec(), c.codec());
    if (codec.codec() != Codec.NONE) {
      assertTrue(c.length() < data.length * 3 / 4, "ratio too low: " + c.length());
    }
    byte[] payload = Arrays.copyOfRange(c.bytes(), c.offset(), c.offset() + c.length());
    assertArrayEquals(
        data, compressor.decompress(c.codec(), payload, 0, payload.length, data.length));
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd:3"})
  void incompressibleDataIsKeptRaw(String spec) {
    byte[] data = TestData.random(3, 65536);
    ChunkCompressor.Compressed c = compressor.compress(CodecSpec.parse(spec), data, 0, data.length);
    assertEquals(Codec.NONE, c.codec());
    assertEquals(data.length, c.length());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 8, 9, 4096, 65536})
  void theOneEighthRuleHoldsAtItsEdge(int raw) {
    int limit = raw - raw / 8;
    assertTrue(ChunkCompressor.worthKeeping(limit, raw));
    assertTrue(!ChunkCompressor.worthKeeping(limit + 1, raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd:3"})
  void damagedPayloadsAreDetected(String spec) {
    CodecSpec codec = CodecSpec.parse(spec);
    byte[] data = TestData.compressible(11, 65536);
    ChunkCompressor.Compressed c = compressor.compress(codec, data, 0, data.length);
    byte[] payload = Arrays.copyOfRange(c.bytes(), c.offset(), c.offset() + c.length());
    // A cut payload never decodes to the full length.
    assertThrows(
        CorruptPayloadException.class,
        () -> compressor.decompress(c.codec(), payload, 0, payload.length / 2, data.length));
    // A claimed length larger than the content is caught.
    assertThrows(
        CorruptPayloadException.class,
        () -> compressor.decompress(c.codec(), payload, 0, payload.length, data.length + 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "lz4", "zstd", "zstd:7", "ZSTD:19", " lz4 "})
  void parsesCodecSpecs(String text) {
    CodecSpec s = CodecSpec.parse(text);
    assertEquals(s, CodecSpec.parse(s.toString()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd:0", "zstd:23", "zstd:x", "lz4:1", ""})
  void rejectsBadCodecSpecs(String text) {
    assertThrows(IllegalArgumentException.class, () -> CodecSpec.parse(text));
  }
}
