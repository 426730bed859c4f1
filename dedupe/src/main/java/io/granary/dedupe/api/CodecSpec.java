package io.granary.dedupe.api;

import java.util.Locale;

/**
 * A compression policy as users write it: {@code none}, {@code lz4} or {@code zstd:LEVEL}
 * (LEVEL from 1 to 19; plain {@code zstd} means level 3).
 */
public record CodecSpec(Codec codec, int level) {
  public static final CodecSpec NONE = new CodecSpec(Codec.NONE, 0);
  public static final CodecSpec LZ4 = new CodecSpec(Codec.LZ4, 0);
  public static final int ZSTD_DEFAULT_LEVEL = 3;

  public CodecSpec {
    if (codec == Codec.ZERO) {
      throw new IllegalArgumentException("zero is not a compression policy");
    }
    if (codec == Codec.ZSTD && (level < 1 || level > 19)) {
      throw new IllegalArgumentException("zstd level must be 1..19, not " + level);
    }
    if (codec != Codec.ZSTD && level != 0) {
      throw new IllegalArgumentException(codec.label() + " takes no level");
    }
  }

  public static CodecSpec zstd(int level) {
    return new CodecSpec(Codec.ZSTD, level);
  }

  /** Parses {@code none}, {@code lz4}, {@code zstd} or {@code zstd:LEVEL}. */
  public static CodecSpec parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "none":
        return NONE;
      case "lz4":
        return LZ4;
      case "zstd":
        return zstd(ZSTD_DEFAULT_LEVEL);
      default:
        if (t.startsWith("zstd:")) {
          try {
            return zstd(Integer.parseInt(t.substring(5)));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad zstd level in '" + text + "'");
          }
        }
        throw new IllegalArgumentException(
            "unknown codec '" + text + "' (expected none, lz4 or zstd:LEVEL)");
    }
  }

  @Override
  public String toString() {
    return codec == Codec.ZSTD ? "zstd:" + level : codec.label();
  }
}
