package io.granary.nbd.protocol;

/** The magic numbers of the NBD protocol (doc/proto.md of NetworkBlockDevice/nbd). */
public final class NbdMagic {
  /** "NBDMAGIC": the first 8 bytes a server sends. */
  public static final long NBDMAGIC = 0x4e42444d41474943L;

  /** "IHAVEOPT": newstyle greeting, and the start of every option request. */
  public static final long IHAVEOPT = 0x49484156454F5054L;

  /** Start of every option reply (fixed newstyle). */
  public static final long OPTION_REPLY = 0x0003e889045565a9L;

  public static final int REQUEST = 0x25609513;
  public static final int SIMPLE_REPLY = 0x67446698;
  public static final int STRUCTURED_REPLY = 0x668e33ef;

  private NbdMagic() {}
}
