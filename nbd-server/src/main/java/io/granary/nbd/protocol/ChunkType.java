package io.granary.nbd.protocol;

/** Structured reply chunk types; bit 15 marks the error chunks. */
public enum ChunkType {
  NONE(0),
  OFFSET_DATA(1),
  OFFSET_HOLE(2),
  BLOCK_STATUS(5),
  ERROR(32769),
  ERROR_OFFSET(32770);

  private final int code;

  ChunkType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
