package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.PackMedium.Reader;
import io.granary.dedupe.api.PackMedium.View;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * A reader of a spooled pack that moves to the store once the pack is uploaded, so that the
 * spool file can go. Reads take the read lock; the move takes the write lock, then closes the
 * spool reader (which waits for views of its mapping to close). Closing tells the medium
 * ({@code onClose}), which then no longer moves it.
 */
final class MovingReader implements Reader {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Consumer<MovingReader> onClose;
  private Reader current;

  MovingReader(Reader current, Consumer<MovingReader> onClose) {
    this.current = current;
    this.onClose = onClose;
  }

  void moveTo(Reader remoteReader) throws IOException {
    Reader old;
    lock.writeLock().lock();
    try {
      old = current;
      current = remoteReader;
    } finally {
      lock.writeLock().unlock();
    }
    old.close();
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    lock.readLock().lock();
    try {
      return current.read(dst, position);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public View view(long position, int length) throws IOException {
    lock.readLock().lock();
    try {
      return current.view(position, length);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long size() throws IOException {
    lock.readLock().lock();
    try {
      return current.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() throws IOException {
    onClose.accept(this);
    lock.readLock().lock();
    try {
      current.close();
    } finally {
      lock.readLock().unlock();
    }
  }
}
