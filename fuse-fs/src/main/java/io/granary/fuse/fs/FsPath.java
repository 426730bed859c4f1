package io.granary.fuse.fs;

/**
 * A path of the mount, parsed: the root, a pool directory, a volume file, a pool's
 * {@code .snapshots} directory, one volume's snapshot directory, or a snapshot file.
 * Pure: whether the named things exist is for the file system to find out.
 */
public record FsPath(Kind kind, String pool, String volume, String snapshot) {
  /** Where in the namespace a path points. */
  public enum Kind {
    ROOT,
    POOL,
    VOLUME,
    SNAPSHOTS,
    SNAPSHOT_DIR,
    SNAPSHOT,
    OTHER
  }

  public static final String SNAPSHOTS_DIR = ".snapshots";

  public static FsPath parse(String path) {
    String[] p = path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
    for (String part : p) {
      if (part.isEmpty()) {
        return other();
      }
    }
    return switch (p.length) {
      case 0 -> new FsPath(Kind.ROOT, null, null, null);
      case 1 -> new FsPath(Kind.POOL, p[0], null, null);
      case 2 ->
          p[1].equals(SNAPSHOTS_DIR)
              ? new FsPath(Kind.SNAPSHOTS, p[0], null, null)
              : new FsPath(Kind.VOLUME, p[0], p[1], null);
      case 3 ->
          p[1].equals(SNAPSHOTS_DIR) ? new FsPath(Kind.SNAPSHOT_DIR, p[0], p[2], null) : other();
      case 4 -> p[1].equals(SNAPSHOTS_DIR) ? new FsPath(Kind.SNAPSHOT, p[0], p[2], p[3]) : other();
      default -> other();
    };
  }

  private static FsPath other() {
    return new FsPath(Kind.OTHER, null, null, null);
  }

  public boolean isDirectory() {
    return kind == Kind.ROOT
        || kind == Kind.POOL
        || kind == Kind.SNAPSHOTS
        || kind == Kind.SNAPSHOT_DIR;
  }
}
