package io.granary.dedupe.pack;

import io.granary.dedupe.api.PackMedium;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

/**
 * Packs as files {@code NNNNNNNN.pack} in one local directory: the spool is the medium, so a
 * sealed pack stays where it was written and sealing does nothing.
 */
public final class LocalPackMedium implements PackMedium {
  private static final Pattern NAME = Pattern.compile("[0-9a-f]{8}\\.pack");

  private final Path directory;
  private final PackWriteback writeback;

  public LocalPackMedium(Path directory) throws IOException {
    this(directory, PackWriteback.shared());
  }

  LocalPackMedium(Path directory, PackWriteback writeback) throws IOException {
    this.directory = Files.createDirectories(directory);
    this.writeback = writeback;
  }

  public Path directory() {
    return directory;
  }

  public Path path(int packId) {
    return directory.resolve(String.format("%08x.pack", packId));
  }

  @Override
  public List<Integer> list() throws IOException {
    List<Integer> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (NAME.matcher(name).matches()) {
          ids.add(Integer.parseUnsignedInt(name.substring(0, 8), 16));
        }
      }
    }
    ids.sort(Integer::compareUnsigned);
    return Collections.unmodifiableList(ids);
  }

  @Override
  public Appender create(int packId) throws IOException {
    FileChannel ch =
        FileChannel.open(path(packId), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new FileAppender(ch, path(packId), writeback);
  }

  @Override
  public Reader openForRead(int packId) throws IOException {
    FileChannel ch = FileChannel.open(path(packId), StandardOpenOption.READ);
    return new MappedReader(ch);
  }

  @Override
  public long size(int packId) throws IOException {
    return Files.size(path(packId));
  }

  @Override
  public void truncate(int packId, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(path(packId), StandardOpenOption.WRITE)) {
      ch.truncate(length);
      ch.force(true);
    }
  }

  @Override
  public void seal(int packId) {}

  @Override
  public void delete(int packId) throws IOException {
    Files.deleteIfExists(path(packId));
  }

  @Override
  public void syncSpool() throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static final class FileAppender implements Appender {
    private final FileChannel channel;
    private final Path path;
    private final PackWriteback writeback;
    private long size;
    private long writebackStarted; // bytes handed to the writeback so far

    FileAppender(FileChannel channel, Path path, PackWriteback writeback) throws IOException {
      this.channel = channel;
      this.path = path;
      this.writeback = writeback;
      this.size = channel.size();
    }

    @Override
    public void append(ByteBuffer... buffers) throws IOException {
      long total = 0;
      for (ByteBuffer b : buffers) {
        total += b.remaining();
      }
      // The channel's position is the pack's end: only this appender writes, always at the
      // end, and a truncate moves the position back with the size. So no lseek per record (two
      // of them cost as much as the writev itself here).
      for (long written = 0; written < total; ) {
        written += channel.write(buffers);
      }
      size += total;
      if (size - writebackStarted >= PackWriteback.STEP) {
        writeback.start(path, writebackStarted, size);
        writebackStarted = size;
      }
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void truncate(long length) throws IOException {
      channel.truncate(length);
      size = length;
      writebackStarted = Math.min(writebackStarted, length);
    }

    @Override
    public void force() throws IOException {
      channel.force(false);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Reads a pack through a read-only mapping of it: a record read at random is a copy out of
   * the page cache with no system call (a 16 KiB {@code pread} and its checksum cost about three
   * times as much here).
   *
   * <p>The mapping covers the file as it was when a read first went past the mapped end: a
   * pack still appended to is mapped again as it grows. Packs are only ever cut back past their
   * indexed records (a failed append; recovery, before any read), so no view of an indexed
   * record lies past the end of the file.
   *
   * <p>Locks: a view holds the read lock until closed; mapping again and closing take the write
   * lock and unmap at once, so that a deleted pack's disk space comes back when its reader
   * closes rather than whenever the garbage collector finds the mapping. Thread-safe.
   */
  private static final class MappedReader implements Reader {
    private final FileChannel channel;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private MappedByteBuffer mapped; // null until the first view, and once closed
    private boolean closed;

    MappedReader(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      int total = 0;
      while (dst.hasRemaining()) {
        int n = channel.read(dst, position + total);
        if (n < 0) {
          break;
        }
        total += n;
      }
      return total;
    }

    @Override
    public View view(long position, int length) throws IOException {
      View v = mappedView(position, length);
      if (v == null && mapTo(position + length)) {
        v = mappedView(position, length); // null only if closed meanwhile
      }
      return v;
    }

    /** A view if the mapping covers the range, holding the read lock; else null. */
    private View mappedView(long position, int length) {
      lock.readLock().lock();
      if (closed || mapped == null || position + length > mapped.capacity()) {
        lock.readLock().unlock();
        return null;
      }
      return new View(mapped.slice((int) position, length), lock.readLock()::unlock);
    }

    /** Maps the whole file if it reaches {@code end}; false past the end or beyond 2 GiB. */
    private boolean mapTo(long end) throws IOException {
      lock.writeLock().lock();
      try {
        if (closed) {
          throw new ClosedChannelException();
        }
        if (mapped != null && end <= mapped.capacity()) {
          return true;
        }
        long size = channel.size();
        if (end > size || size > Integer.MAX_VALUE) {
          return false;
        }
        MappedByteBuffer old = mapped;
        mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        Mappings.unmap(old);
        return true;
      } finally {
        lock.writeLock().unlock();
      }
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void close() throws IOException {
      lock.writeLock().lock();
      try {
        closed = true;
        Mappings.unmap(mapped);
        mapped = null;
      } finally {
        lock.writeLock().unlock();
      }
      channel.close();
    }
  }
}
