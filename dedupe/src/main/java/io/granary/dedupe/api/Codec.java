package io.granary.dedupe.api;

/**
 * How a chunk's bytes are stored in its pack record. The codes are part of the on-disk format
 * ({@code docs/format.md}) and never change.
 */
public enum Codec {
  /** Stored as is: incompressible data, or the {@code none} policy. */
  NONE(0, "none"),
  LZ4(1, "lz4"),
  ZSTD(2, "zstd"),
  /** No payload at all: the chunk reads as its raw length of zero bytes. Never chosen by users. */
  ZERO(3, "zero");

  private final int code;
  private final String label;

  Codec(int code, String label) {
    this.code = code;
    this.label = label;
  }

  public int code() {
    return code;
  }

  public String label() {
    return label;
  }

  /** The codec with this on-disk code; unknown codes are format errors, never guessed. */
  public static Codec fromCode(int code) {
    for (Codec c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown codec code " + code);
  }
}
