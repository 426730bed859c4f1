package io.granary.appliance.replication;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Holds a stream to a rate (a remote's bandwidth limit): a write waits until the bytes written
 * since the start fit in {@code bytesPerSecond} times the time passed, plus a burst of a quarter
 * of a second. 0 is no limit.
 */
final class PacedOutputStream extends FilterOutputStream {
  private static final int SLICE = 64 << 10;

  private final long bytesPerSecond;
  private final long start = System.nanoTime();
  private long written;

  PacedOutputStream(OutputStream out, long bytesPerSecond) {
    super(out);
    this.bytesPerSecond = bytesPerSecond;
  }

  @Override
  public void write(int b) throws IOException {
    pace(1);
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int done = 0; done < len; ) {
      int n = Math.min(SLICE, len - done);
      pace(n);
      out.write(b, off + done, n);
      done += n;
    }
  }

  private void pace(int n) throws IOException {
    written += n;
    if (bytesPerSecond <= 0) {
      return;
    }
    long due = start + (long) ((written - bytesPerSecond / 4.0) * 1e9 / bytesPerSecond);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while pacing a replication stream");
      }
    }
  }
}
