package io.granary.snapshots.api;

/**
 * A state of a volume: its head ({@code snapshot} null) or one of its snapshots. Parses and
 * prints {@code VOLUME} and {@code VOLUME@SNAPSHOT}.
 */
public record StateRef(String volume, String snapshot) {
  public static StateRef parse(String text) throws InvalidNameException {
    int at = text.indexOf('@');
    if (at < 0) {
      return new StateRef(Names.check("volume", text), null);
    }
    return new StateRef(
        Names.check("volume", text.substring(0, at)), Names.checkSnapshot(text.substring(at + 1)));
  }

  public static StateRef head(String volume) {
    return new StateRef(volume, null);
  }

  public boolean isHead() {
    return snapshot == null;
  }

  @Override
  public String toString() {
    return snapshot == null ? volume : volume + "@" + snapshot;
  }
}
