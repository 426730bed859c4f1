package io.granary.nbd.protocol;

/** What NBD_OPT_INFO and NBD_OPT_GO may ask about an export. */
public enum InfoType {
  EXPORT(0),
  NAME(1),
  DESCRIPTION(2),
  BLOCK_SIZE(3);

  private final int code;

  InfoType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this code, or {@code null}: unknown requests are ignored, not errors. */
  public static InfoType fromCode(int code) {
    for (InfoType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
