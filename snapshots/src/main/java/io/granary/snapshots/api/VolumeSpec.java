package io.granary.snapshots.api;

/**
 * What a new volume is made of: its size in bytes, its block size (a power of two from 4 KiB to
 * 1 MiB), the codec of its chunks ({@code none}, {@code lz4}, {@code zstd:LEVEL}), the name of
 * its profile (stored, interpreted by the appliance) and whether its blocks are deduplicated
 * with other volumes' ({@code dedupe} off: its chunks are its own, see
 * {@code docs/format.md} §4.2).
 */
public record VolumeSpec(long size, int blockSize, String codec, String profile, boolean dedupe) {
  public static final int MIN_BLOCK_SIZE = 4 << 10;
  public static final int MAX_BLOCK_SIZE = 1 << 20;

  /** Chosen by benchmark (BENCHMARKS.md, "Volumes", block size): 3x the random 4 KiB I/O of 64 KiB, as fast sequentially. */
  public static final int DEFAULT_BLOCK_SIZE = 16 << 10;

  /** The profile of a volume made without one (and of a received replica). */
  public static final String DEFAULT_PROFILE = "default";

  public VolumeSpec {
    if (size < 0) {
      throw new IllegalArgumentException("a volume size cannot be negative");
    }
    if (Integer.bitCount(blockSize) != 1
        || blockSize < MIN_BLOCK_SIZE
        || blockSize > MAX_BLOCK_SIZE) {
      throw new IllegalArgumentException(
          "block size must be a power of two from 4 KiB to 1 MiB, not " + blockSize);
    }
  }

  /** A volume whose blocks are deduplicated across the pool. */
  public VolumeSpec(long size, int blockSize, String codec, String profile) {
    this(size, blockSize, codec, profile, true);
  }

  /** A volume of {@code size} bytes with the default block size, lz4, dedupe and the default profile. */
  public static VolumeSpec ofSize(long size) {
    return new VolumeSpec(size, DEFAULT_BLOCK_SIZE, "lz4", DEFAULT_PROFILE, true);
  }
}
