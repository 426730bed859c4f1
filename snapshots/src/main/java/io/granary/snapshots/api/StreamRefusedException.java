package io.granary.snapshots.api;

/**
 * A replication stream, or a peer's request, that a receiver will not take: damaged, truncated,
 * a chunk that is not what its id says, a final root that does not match, a stream for another
 * volume. Nothing visible changed: the receiving volume is as it was.
 */
public final class StreamRefusedException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public StreamRefusedException(String message) {
    super(Kind.INVALID, message);
  }

  public StreamRefusedException(String message, Throwable cause) {
    super(Kind.INVALID, message, cause);
  }
}
