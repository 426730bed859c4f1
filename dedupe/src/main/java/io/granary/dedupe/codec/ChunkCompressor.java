package io.granary.dedupe.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.CodecSpec;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Compresses and decompresses single chunks with lz4-java and zstd-jni, keeping the raw bytes
 * when compression saves less than one eighth. Thread-safe: native contexts and scratch
 * buffers are per thread.
 */
public final class ChunkCompressor {
  // The JNI instance with the safe decompressor: the fork's "insecure" factories trust input.
  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final LZ4Compressor LZ4_COMPRESSOR = LZ4.fastCompressor();
  private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4.safeDecompressor();

  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  /**
   * A compressed chunk: {@code bytes[offset, offset+length)} encoded with {@code codec}. For
   * {@link Codec#NONE} it is the caller's own array; otherwise a per-thread buffer that the next
   * call on this thread overwrites.
   */
  public record Compressed(Codec codec, int level, byte[] bytes, int offset, int length) {}

  public Compressed compress(CodecSpec spec, byte[] src, int off, int len) {
    Scratch s = scratch.get();
    int n;
    switch (spec.codec()) {
      case LZ4:
        n =
            LZ4_COMPRESSOR.compress(
                src,
                off,
                len,
                s.buffer(LZ4_COMPRESSOR.maxCompressedLength(len)),
                0,
                s.buffer.length);
        break;
      case ZSTD:
        n =
            s.zstd(spec.level())
                .compressByteArray(
                    s.buffer((int) Zstd.compressBound(len)), 0, s.buffer.length, src, off, len);
        break;
      default:
        return new Compressed(Codec.NONE, 0, src, off, len);
    }
    if (!worthKeeping(n, len)) {
      return new Compressed(Codec.NONE, 0, src, off, len);
    }
    return new Compressed(spec.codec(), spec.level(), s.buffer, 0, n);
  }

  /** Compression is kept only when it saves at least one eighth of the raw length. */
  static boolean worthKeeping(int compressedLength, int rawLength) {
    return compressedLength <= rawLength - rawLength / 8;
  }

  /**
   * Decodes a payload into exactly {@code rawLength} bytes.
   *
   * @throws CorruptPayloadException when the payload does not decode to that length
   */
  public byte[] decompress(Codec codec, byte[] payload, int off, int len, int rawLength)
      throws CorruptPayloadException {
    byte[] out = new byte[rawLength];
    decompress(codec, payload, off, len, out, 0, rawLength);
    return out;
  }

  public void decompress(
      Codec codec, byte[] payload, int off, int len, byte[] dst, int dstOff, int rawLength)
      throws CorruptPayloadException {
    int n;
    try {
      switch (codec) {
        case NONE:
          checkRaw(len, rawLength);
          System.arraycopy(payload, off, dst, dstOff, len);
          return;
        case ZERO:
          Arrays.fill(dst, dstOff, dstOff + rawLength, (byte) 0);
          return;
        case LZ4:
          n = LZ4_DECOMPRESSOR.decompress(payload, off, len, dst, dstOff, rawLength);
          break;
        case ZSTD:
          n =
              scratch
                  .get()
                  .zstdDecompress()
                  .decompressByteArray(dst, dstOff, rawLength, payload, off, len);
          break;
        default:
          throw new CorruptPayloadException("unknown codec " + codec);
      }
    } catch (LZ4Exception | ZstdException e) {
      throw new CorruptPayloadException(
          codec.label() + " payload does not decode: " + e.getMessage());
    }
    if (n != rawLength) {
      throw new CorruptPayloadException(
          codec.label() + " payload decodes to " + n + " bytes, expected " + rawLength);
    }
  }

  /**
   * Checks that a raw ({@link Codec#NONE}) payload of {@code len} bytes holds {@code rawLength}:
   * for callers that copy part of one instead of decoding it.
   */
  public static void checkRaw(int len, int rawLength) throws CorruptPayloadException {
    if (len != rawLength) {
      throw new CorruptPayloadException("raw payload of " + len + " bytes, expected " + rawLength);
    }
  }

  /** Per-thread native contexts and an output buffer that only grows. */
  private static final class Scratch {
    byte[] buffer = new byte[0];
    private ZstdCompressCtx zstd;
    private int zstdLevel;
    private ZstdDecompressCtx zstdDecompress;

    byte[] buffer(int size) {
      if (buffer.length < size) {
        buffer = new byte[size];
      }
      return buffer;
    }

    ZstdCompressCtx zstd(int level) {
      if (zstd == null) {
        zstd = new ZstdCompressCtx();
        zstdLevel = Integer.MIN_VALUE;
      }
      if (level != zstdLevel) {
        zstd.setLevel(level);
        zstdLevel = level;
      }
      return zstd;
    }

    ZstdDecompressCtx zstdDecompress() {
      if (zstdDecompress == null) {
        zstdDecompress = new ZstdDecompressCtx();
      }
      return zstdDecompress;
    }
  }
}
