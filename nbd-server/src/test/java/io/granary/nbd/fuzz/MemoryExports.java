package io.granary.nbd.fuzz;

import io.granary.nbd.api.AccessRule;
import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.session.AccessPolicy;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.Volume;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fresh, deterministic catalog for one fuzz input, in memory and for one thread: a 64 MiB
 * volume, a read-only snapshot of it, a volume whose size is no multiple of anything, and one
 * that {@link #ACCESS_RULES} open to 10.0.0.0/8 only. It counts open handles and collects every
 * misuse its volumes report.
 */
final class MemoryExports implements ExportCatalog {
  static final ExportInfo DISK = new ExportInfo("test/disk", "volume disk", 64L << 20, 4096, false);
  static final ExportInfo SNAPSHOT =
      new ExportInfo("test/disk@snap", "snapshot snap of disk", 64L << 20, 4096, true);
  static final ExportInfo ODD =
      new ExportInfo("test/odd", "volume odd", (1 << 20) + 1001, 512, false);
  static final ExportInfo SECRET =
      new ExportInfo("test/secret", "volume secret", 1 << 20, 65536, false);
  static final List<ExportInfo> ALL = List.of(DISK, SNAPSHOT, ODD, SECRET);
  static final List<AccessRule> ACCESS_RULES =
      List.of(new AccessRule("test/secret*", List.of("10.0.0.0/8"), List.of()));
  static final AccessPolicy RULES = new AccessPolicy(ACCESS_RULES);

  private final Map<String, Map<Long, byte[]>> contents = new HashMap<>();
  private final List<String> misuses = new ArrayList<>();
  private int openHandles;
  private long bytesRead;

  MemoryExports() {
    contents.put(DISK.name(), diskPages());
    contents.put(SNAPSHOT.name(), diskPages());
    contents.put(ODD.name(), new HashMap<>(Map.of(256L, page(0x66))));
    contents.put(SECRET.name(), new HashMap<>());
  }

  /** Data on a few pages, so that reads and block status meet both data and holes. */
  private static Map<Long, byte[]> diskPages() {
    Map<Long, byte[]> pages = new HashMap<>();
    pages.put(0L, page(0x11));
    pages.put(3L, page(0x33));
    pages.put(4L, page(0x44));
    pages.put(5000L, page(0x55));
    return pages;
  }

  @Override
  public List<ExportInfo> list() {
    return ALL;
  }

  @Override
  public Optional<ExportInfo> describe(String name) {
    return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  @Override
  public Volume open(String name) throws NoSuchVolumeException {
    ExportInfo e = describe(name).orElseThrow(() -> new NoSuchVolumeException(name));
    openHandles++;
    return new MemoryVolume(
        this, e.name(), e.size(), e.blockSize(), e.readOnly(), contents.get(e.name()));
  }

  /** What {@code export} holds now, read past the volume API so that nothing is counted. */
  TransmissionReplyCheck.Content content(ExportInfo export) {
    Map<Long, byte[]> pages = contents.get(export.name());
    return new TransmissionReplyCheck.Content() {
      @Override
      public byte[] read(long offset, int length) {
        return MemoryVolume.peek(pages, offset, length);
      }

      @Override
      public boolean isZero(long offset, long length) {
        return MemoryVolume.isZero(pages, offset, length);
      }
    };
  }

  /** Handles opened and not yet closed. */
  int openHandles() {
    return openHandles;
  }

  /** What volumes were asked to do that the server should have refused itself. */
  List<String> misuses() {
    return misuses;
  }

  /** Bytes volumes have read since the last call, which resets the count. */
  long takeBytesRead() {
    long n = bytesRead;
    bytesRead = 0;
    return n;
  }

  void bytesRead(long n) {
    bytesRead += n;
  }

  void closed() {
    openHandles--;
  }

  void misused(String what) {
    misuses.add(what);
  }

  private static byte[] page(int fill) {
    byte[] p = new byte[MemoryVolume.PAGE];
    Arrays.fill(p, (byte) fill);
    return p;
  }
}
