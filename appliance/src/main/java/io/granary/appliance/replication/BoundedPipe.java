package io.granary.appliance.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A stream written by one thread and read by others, through a few buffers: what turns the
 * replication stream a plan writes into the body the HTTP client pulls. Unlike the JDK's piped
 * streams it does not care which thread reads (the HTTP client reads from whichever of its
 * threads is free, and the JDK's pipe declares itself broken when an earlier reader thread has
 * ended). Closing the read side makes the writer fail at its next write; closing the write
 * side is the end of the stream.
 */
final class BoundedPipe {
  private static final byte[] END = new byte[0];
  private static final int BUFFER = 64 << 10;

  private final BlockingQueue<byte[]> buffers;
  private volatile boolean readerGone;

  BoundedPipe(int buffers) {
    this.buffers = new ArrayBlockingQueue<>(buffers);
  }

  final OutputStream out =
      new OutputStream() {
        private byte[] buf = new byte[BUFFER];
        private int n;

        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          while (len > 0) {
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
            if (n == buf.length) {
              flush();
            }
          }
        }

        @Override
        public void flush() throws IOException {
          if (n > 0) {
            put(Arrays.copyOf(buf, n));
            n = 0;
          }
        }

        @Override
        public void close() throws IOException {
          flush();
          put(END);
        }
      };

  final InputStream in =
      new InputStream() {
        private byte[] current;
        private int at;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          while (current == null || at == current.length) {
            if (current == END) {
              return -1;
            }
            try {
              current = buffers.take();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new InterruptedIOException("interrupted while reading a replication stream");
            }
            at = 0;
            if (current == END) {
              return -1;
            }
          }
          int k = Math.min(len, current.length - at);
          System.arraycopy(current, at, b, off, k);
          at += k;
          return k;
        }

        @Override
        public void close() {
          readerGone = true;
          buffers.clear(); // a writer waiting for room wakes and sees the reader gone
        }
      };

  private void put(byte[] b) throws IOException {
    try {
      while (!readerGone) {
        if (buffers.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          return;
        }
      }
      throw new IOException("the receiving side of the stream was closed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a replication stream");
    }
  }
}
