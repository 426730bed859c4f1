package io.granary.dedupe.api;

/**
 * Options for {@link ChunkStore#collectGarbage}: packs whose live bytes fall below
 * {@code compactBelow} of their size are rewritten (0 disables compaction).
 */
public record GcOptions(double compactBelow, ProgressListener progress) {
  public static final GcOptions DEFAULT = new GcOptions(0.5, ProgressListener.NONE);

  public GcOptions {
    if (compactBelow < 0 || compactBelow > 1) {
      throw new IllegalArgumentException("compactBelow must be within [0, 1]");
    }
  }
}
