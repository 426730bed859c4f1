package io.granary.snapshots.api;

/**
 * A volume, or one of its snapshots, across pools: {@code POOL/VOLUME} or
 * {@code POOL/VOLUME@SNAPSHOT}, as NBD export names, the CLI and the admin API write them. The
 * one parser and printer of that grammar; each part follows {@link Names}.
 *
 * @param snapshot null for the volume itself (its head)
 */
public record VolumeRef(String pool, String volume, String snapshot) {
  private static final char POOL_SEPARATOR = '/';
  private static final char SNAPSHOT_SEPARATOR = '@';

  /** {@code POOL/VOLUME[@SNAPSHOT]}, the pool required (an NBD export name). */
  public static VolumeRef parse(String text) throws InvalidNameException {
    if (text.indexOf(POOL_SEPARATOR) < 0) {
      throw new InvalidNameException("'" + text + "' names no pool: use POOL/VOLUME");
    }
    return parse(text, null);
  }

  /** {@code [POOL/]VOLUME[@SNAPSHOT]}: without a pool, {@code defaultPool} (the CLI's way). */
  public static VolumeRef parse(String text, String defaultPool) throws InvalidNameException {
    String pool = defaultPool;
    String rest = text;
    int slash = rest.indexOf(POOL_SEPARATOR);
    if (slash >= 0) {
      pool = rest.substring(0, slash);
      rest = rest.substring(slash + 1);
    }
    String snapshot = null;
    int at = rest.indexOf(SNAPSHOT_SEPARATOR);
    if (at >= 0) {
      snapshot = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    if (!Names.isValid(pool)) {
      throw new InvalidNameException(Names.invalid("pool", pool, text));
    }
    if (!Names.isValid(rest)) {
      throw new InvalidNameException(Names.invalid("volume", rest, text));
    }
    if (snapshot != null && !Names.isValidSnapshot(snapshot)) {
      throw new InvalidNameException(Names.invalid("snapshot", snapshot, text));
    }
    return new VolumeRef(pool, rest, snapshot);
  }

  /** The reference to a volume of {@code pool} or one of its snapshots, by {@link StateRef}. */
  public static VolumeRef of(String pool, StateRef state) {
    return new VolumeRef(pool, state.volume(), state.snapshot());
  }

  /** This, which must name a volume (no snapshot). */
  public VolumeRef expectVolume() throws InvalidNameException {
    if (snapshot != null) {
      throw new InvalidNameException("'" + this + "' names a snapshot; a volume is expected");
    }
    return this;
  }

  /** This, which must name a snapshot. */
  public VolumeRef expectSnapshot() throws InvalidNameException {
    if (snapshot == null) {
      throw new InvalidNameException(
          "'" + this + "' must name a snapshot: " + "POOL/VOLUME@SNAPSHOT");
    }
    return this;
  }

  public boolean isSnapshot() {
    return snapshot != null;
  }

  /** The volume this names, or whose snapshot it names. */
  public VolumeRef head() {
    return snapshot == null ? this : new VolumeRef(pool, volume, null);
  }

  /** The part within the pool: {@code VOLUME[@SNAPSHOT]}. */
  public StateRef state() {
    return new StateRef(volume, snapshot);
  }

  @Override
  public String toString() {
    return pool + POOL_SEPARATOR + state();
  }
}
