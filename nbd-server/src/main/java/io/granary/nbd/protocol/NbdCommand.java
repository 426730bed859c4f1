package io.granary.nbd.protocol;

/** Request types of the transmission phase. */
public enum NbdCommand {
  READ(0),
  WRITE(1),
  DISC(2),
  FLUSH(3),
  TRIM(4),
  CACHE(5),
  WRITE_ZEROES(6),
  BLOCK_STATUS(7),
  RESIZE(8);

  private final int code;

  NbdCommand(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The command with this code, or {@code null} for an unknown one (answered EINVAL). */
  public static NbdCommand fromCode(int code) {
    for (NbdCommand c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
