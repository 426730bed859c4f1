package io.granary.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of one connection through a {@link WanLink}: a timed queue between a reader
 * thread and a writer thread.
 *
 * <p>The reader takes bytes from the source socket as they come and queues them stamped with the
 * time they are due ({@code now + delay}); the writer hands each segment to the sink socket once
 * it is due, in order, metered by the lane's token bucket. So the delay is pipelined: a segment
 * waits for its own time only, never for those queued before it to have waited theirs.
 *
 * <p>Flow control: {@code buffered} counts the bytes read and not yet written, queued or in the
 * writer's hand, and never exceeds {@code capacity}: the reader reads no more than the room left,
 * and waits for room when there is none, so the source's socket buffer fills and TCP's window
 * closes on the sender. The end of the source's stream is queued too and is passed on as a
 * half-close ({@code shutdownOutput}) when due; a reset of the source is passed on as a reset of
 * the whole connection when due.
 *
 * <p>The lock guards the queue, {@code buffered} and {@code closed}; no socket call is made
 * under it. Every wait ends when the pipe is closed, which {@link WanConnection} does first
 * when it ends, before closing the sockets.
 */
final class Pipe {
  /** The most bytes read at once, hence the largest segment. */
  static final int CHUNK = 64 << 10;

  /** The longest nap waiting for tokens, so that a change of bandwidth reaches a waiter soon. */
  private static final long MAX_NAP = TimeUnit.MILLISECONDS.toNanos(20);

  private enum Kind {
    DATA,
    END,
    RESET
  }

  private record Segment(Kind kind, long due, byte[] bytes) {}

  private final WanConnection connection;
  private final Lane lane;
  private final Tripwire tripwire;
  private final long capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Segment> queue = new ArrayDeque<>();
  private long buffered;
  private boolean closed;

  Pipe(WanConnection connection, Lane lane, Tripwire tripwire, long capacity) {
    this.connection = connection;
    this.lane = lane;
    this.tripwire = tripwire;
    this.capacity = capacity;
  }

  /** The reader's loop: from {@code source} into the queue until its end, a reset or a close. */
  void read(Socket source) {
    byte[] buffer = new byte[CHUNK];
    try {
      InputStream in = source.getInputStream();
      while (true) {
        int room = awaitRoom();
        if (room == 0) {
          return;
        }
        int n = in.read(buffer, 0, Math.min(buffer.length, room));
        if (n < 0) {
          offer(Kind.END, null);
          return;
        }
        offer(Kind.DATA, Arrays.copyOf(buffer, n));
      }
    } catch (IOException e) {
      offer(Kind.RESET, null); // nothing when the pipe is closed: the link itself cut it
    }
  }

  /** The writer's loop: from the queue to {@code sink}, each segment when due, until the end. */
  void write(Socket sink) {
    try {
      OutputStream out = sink.getOutputStream();
      while (true) {
        Segment s = awaitDue();
        if (s == null) {
          return;
        }
        switch (s.kind()) {
          case END -> {
            sink.shutdownOutput();
            connection.ended();
            return;
          }
          case RESET -> {
            connection.abort();
            return;
          }
          case DATA -> {
            if (!send(s.bytes(), out)) {
              return;
            }
          }
        }
      }
    } catch (IOException e) {
      connection.abort(); // the sink is gone: so is the connection, both sides
    }
  }

  /** Bytes read and not yet written. */
  long buffered() {
    lock.lock();
    try {
      return buffered;
    } finally {
      lock.unlock();
    }
  }

  /** Ends every wait; the reader and the writer return without touching their sockets again. */
  void close() {
    lock.lock();
    try {
      closed = true;
      queue.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Writes one segment in slices of half a burst at most; false if the pipe closed or was cut. */
  private boolean send(byte[] bytes, OutputStream out) throws IOException {
    int off = 0;
    while (off < bytes.length) {
      int n = Math.min(bytes.length - off, lane.bandwidth.slice());
      if (!awaitTokens(n)) {
        return false;
      }
      Tripwire.Grant grant = tripwire.take(n);
      int granted = (int) grant.bytes();
      if (granted > 0) {
        lane.delivered(granted); // before the far side can see them: a test reads, then counts
        out.write(bytes, off, granted);
        release(granted);
        off += granted;
      }
      if (grant.last()) {
        connection.link().cutNow();
        return false;
      }
      if (granted < n && !nap()) {
        return false; // another writer took the last bytes and cut every connection
      }
    }
    return true;
  }

  /** Waits for room for a full chunk (or the whole capacity if smaller); 0 once closed. */
  private int awaitRoom() {
    lock.lock();
    try {
      while (!closed && capacity - buffered < Math.min(CHUNK, capacity)) {
        changed.awaitUninterruptibly();
      }
      return closed ? 0 : (int) Math.min(Integer.MAX_VALUE, capacity - buffered);
    } finally {
      lock.unlock();
    }
  }

  private void offer(Kind kind, byte[] bytes) {
    long due = System.nanoTime() + lane.delayNanos();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      queue.add(new Segment(kind, due, bytes));
      if (bytes != null) {
        buffered += bytes.length;
        lane.buffered(buffered);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The head of the queue once it is due, taken off the queue; null once closed. */
  private Segment awaitDue() {
    lock.lock();
    try {
      while (!closed) {
        Segment head = queue.peek();
        if (head == null) {
          changed.awaitUninterruptibly();
          continue;
        }
        long wait = head.due() - System.nanoTime();
        if (wait <= 0) {
          return queue.poll();
        }
        changed.awaitNanos(wait);
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Takes {@code n} tokens from the lane's bucket, napping until there are; false once closed. */
  private boolean awaitTokens(int n) {
    while (true) {
      long wait = lane.bandwidth.take(n);
      lock.lock();
      try {
        if (closed) {
          return false;
        }
        if (wait == 0) {
          return true;
        }
        changed.awaitNanos(Math.min(wait, MAX_NAP));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Waits a little for the pipe to close; false if it did. */
  private boolean nap() {
    lock.lock();
    try {
      if (!closed) {
        changed.awaitNanos(MAX_NAP);
      }
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void release(int n) {
    lock.lock();
    try {
      buffered -= n;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
