package io.granary.nbd.session;

/** The block size constraints this server advertises and enforces. */
public final class Limits {
  /** Any byte offset and length works: the volume does read-modify-write itself. */
  public static final int MIN_BLOCK = 1;

  /** The largest READ or WRITE payload: the spec's 32 MiB, which clients treat as safe. */
  public static final int MAX_PAYLOAD = 32 << 20;

  /** The largest option data accepted; names are at most 4 KiB, so this is generous. */
  public static final int MAX_OPTION_DATA = 64 << 10;

  private Limits() {}
}
