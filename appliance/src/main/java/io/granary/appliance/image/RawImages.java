package io.granary.appliance.image;

import io.granary.appliance.task.Task;
import io.granary.dedupe.api.Zeroes;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies between raw disk images on the daemon's host and volumes. Zero ranges stay holes on
 * both sides: an import does not write them, an export leaves them unwritten in a sparse file.
 */
public final class RawImages {
  private static final int BUFFER = 1 << 20;

  private RawImages() {}

  /** The size of a raw image to import, with a clear error for what cannot be one. */
  public static long sourceSize(Path source) throws IOException {
    if (!source.isAbsolute()) {
      throw new VolumeException(Kind.INVALID, "the image path must be absolute: " + source);
    }
    if (!Files.isRegularFile(source)) {
      throw new VolumeException(Kind.NOT_FOUND, "no image file at " + source);
    }
    if (!Files.isReadable(source)) {
      throw new VolumeException(Kind.NOT_ALLOWED, "the daemon cannot read " + source);
    }
    return Files.size(source);
  }

  /** Writes the image into {@code volume} (of the same size) and flushes it. */
  public static void importInto(Path source, Volume volume, Task.Progress progress)
      throws IOException {
    long size = volume.size();
    byte[] buf = new byte[BUFFER];
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
      for (long off = 0; off < size; off += BUFFER) {
        int n = (int) Math.min(BUFFER, size - off);
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
        while (b.hasRemaining()) {
          if (in.read(b, off + b.position()) < 0) {
            throw new IOException(source + " shrank during the import");
          }
        }
        if (!Zeroes.isZero(buf, 0, n)) {
          volume.write(off, buf, 0, n, false);
        }
        progress.set(off + n, size);
      }
    }
    volume.flush();
  }

  /** Writes {@code volume} to a new sparse file {@code target}, fsynced. */
  public static void exportTo(Volume volume, Path target, Task.Progress progress)
      throws IOException {
    if (!target.isAbsolute()) {
      throw new VolumeException(Kind.INVALID, "the image path must be absolute: " + target);
    }
    long size = volume.size();
    byte[] buf = new byte[BUFFER];
    try (FileChannel out =
        FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long done = 0;
      for (Extent e : volume.blockStatus(0, size)) {
        if (e.allocated()) {
          for (long off = e.offset(); off < e.end(); off += BUFFER) {
            int n = (int) Math.min(BUFFER, e.end() - off);
            volume.read(off, buf, 0, n);
            if (!Zeroes.isZero(buf, 0, n)) {
              ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
              while (b.hasRemaining()) {
                out.write(b, off + b.position());
              }
            }
            progress.set(done + (off + n - e.offset()), size);
          }
        }
        done += e.length();
        progress.set(done, size);
      }
      if (out.size() < size) {
        out.write(ByteBuffer.wrap(new byte[1]), size - 1); // the file's length; the rest a hole
      }
      out.force(true);
    } catch (FileAlreadyExistsException e) {
      throw new VolumeException(Kind.EXISTS, target + " already exists");
    }
  }
}
