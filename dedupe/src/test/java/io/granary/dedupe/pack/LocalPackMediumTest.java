package io.granary.dedupe.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.granary.dedupe.api.PackMedium;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packs read through their mapping: as they grow, and no longer once their reader closed. */
class LocalPackMediumTest {
  @TempDir Path dir;

  @Test
  void aGrowingPackIsMappedAgainAndAPastTheEndViewIsRefused() throws Exception {
    LocalPackMedium storage = new LocalPackMedium(dir);
    try (PackMedium.Appender out = storage.create(1);
        PackMedium.Reader in = storage.openForRead(1)) {
      out.append(ByteBuffer.wrap(bytes(4096, 1)));
      assertEquals(1, at(in, 100));
      out.append(ByteBuffer.wrap(bytes(4096, 2)));
      assertEquals(2, at(in, 4096 + 100), "bytes appended after the first mapping");
      assertNull(in.view(8000, 1000), "past the end: the caller reads and finds it cut short");
    }
  }

  /**
   * Once its reader is closed a pack is unmapped at once, so that deleting it gives its space
   * back without waiting for the garbage collector.
   */
  @Test
  void aClosedReaderUnmapsItsPack() throws Exception {
    LocalPackMedium storage = new LocalPackMedium(dir);
    try (PackMedium.Appender out = storage.create(7)) {
      out.append(ByteBuffer.wrap(bytes(1 << 20, 3)));
    }
    PackMedium.Reader in = storage.openForRead(7);
    assertEquals(3, at(in, 12345));
    String pack = storage.path(7).toString();
    assertNotNull(mapsLine(pack), "mapped while open");
    in.close();
    assertNull(mapsLine(pack), "unmapped on close");
    assertThrows(ClosedChannelException.class, () -> in.view(0, 10));
    storage.delete(7);
    assertFalse(Files.exists(storage.path(7)));
  }

  /** An append after a cut (a failed append) lands at the new end, with no hole or overlap. */
  @Test
  void anAppendAfterACutLandsAtTheNewEnd() throws Exception {
    LocalPackMedium storage = new LocalPackMedium(dir);
    try (PackMedium.Appender out = storage.create(2)) {
      out.append(ByteBuffer.wrap(bytes(100, 1)), ByteBuffer.wrap(bytes(100, 2)));
      out.truncate(150);
      out.append(ByteBuffer.wrap(bytes(10, 3)));
      assertEquals(160, out.size());
    }
    byte[] file = Files.readAllBytes(storage.path(2));
    assertEquals(160, file.length);
    assertEquals(2, file[149]);
    assertEquals(3, file[150]);
    assertEquals(3, file[159]);
  }

  private static int at(PackMedium.Reader in, long position) throws IOException {
    try (PackMedium.View v = in.view(position, 1)) {
      return v.bytes().get(0);
    }
  }

  private static String mapsLine(String file) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .filter(l -> l.endsWith(file))
        .findFirst()
        .orElse(null);
  }

  private static byte[] bytes(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
