package io.granary.appliance.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code DATA/granaryd.lock}: held while a daemon runs on the data directory, with its pid in
 * it, so a second daemon is refused with a message that names the first.
 */
final class DaemonLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DaemonLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or explains who holds it. */
  static DaemonLock acquire(Path data) throws IOException {
    Path file = data.resolve("granaryd.lock");
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      ch.close();
      String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
      throw new IllegalStateException(
          "another granaryd"
              + (pid.isEmpty() ? "" : " (pid " + pid + ")")
              + " is running on "
              + data);
    }
    ch.truncate(0);
    ch.write(
        ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
        0);
    ch.force(true);
    return new DaemonLock(ch, lock);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
