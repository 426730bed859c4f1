package io.granary.appliance.pool;

import io.granary.dedupe.api.ChunkStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Publishes a pool's checkpoints to its object store ({@code docs/format.md} §5.1): every
 * {@link #INTERVAL} on a thread of its own (the chunk store skips one when nothing changed), and
 * once more as the pool closes, after its volumes flushed. A checkpoint that fails is logged
 * and tried again at the next interval; the newest published one stays what the bucket alone
 * brings back. Each carries the pool's metadata ({@code metadata}: settings, profiles).
 *
 * <p>What it does not do: decide what is in a checkpoint (the chunk store), or keep a pool on
 * local disks from doing anything (their chunk stores publish nothing).
 */
final class PoolCheckpoints implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PoolCheckpoints.class.getName());
  static final Duration INTERVAL = Duration.ofSeconds(60);

  private final String pool;
  private final ChunkStore chunks;
  private final Supplier<byte[]> metadata;
  private final ScheduledExecutorService timer;

  /** The newest generation the timer logged; only the timer's thread uses it. */
  private long lastLogged;

  /** Calls of {@link #covering} so far, and how many of them a published checkpoint covers. */
  private long requested;

  private long published;

  /** Whether a caller of {@link #covering} is publishing one. Guarded by this, as the two. */
  private boolean publishing;

  PoolCheckpoints(String pool, ChunkStore chunks, Supplier<byte[]> metadata) {
    this.pool = pool;
    this.chunks = chunks;
    this.metadata = metadata;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "checkpoints " + pool);
              t.setDaemon(true);
              return t;
            });
    long every = INTERVAL.toMillis();
    timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      long generation = chunks.checkpoint(metadata.get());
      if (generation != lastLogged) {
        lastLogged = generation; // a line a minute at most, not one per remote FLUSH
        LOG.log(
            Level.INFO,
            "pool {0}: checkpoint {1} is the newest",
            pool,
            Long.toHexString(generation));
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "pool {0}: checkpoint failed ({1}); retrying", pool, e.getMessage());
    }
  }

  /** Publishes a checkpoint now (unless nothing changed since the last one). */
  void now() throws IOException {
    chunks.checkpoint(metadata.get());
  }

  /**
   * Returns once a checkpoint begun after the call has been published: it holds every commit
   * made before the call. What a FLUSH waits for on a pool whose durability is remote. Group
   * commit: callers that arrive while one runs share the next, so a checkpoint's cost (seal
   * the pack being filled, upload it, the checkpoint, the manifest) is paid once per batch.
   * Waits as long as the uploads do (the store down: until it is back); a checkpoint that fails
   * fails the calls it was to cover, and the next caller tries again.
   */
  void covering() throws IOException {
    long target;
    synchronized (this) {
      long mine = ++requested;
      while (publishing && published < mine) {
        waitForPublisher();
      }
      if (published >= mine) {
        return;
      }
      publishing = true;
      target = requested; // each counted caller committed before it was counted
    }
    boolean ok = false;
    try {
      now();
      ok = true;
    } finally {
      synchronized (this) {
        publishing = false;
        if (ok) {
          published = Math.max(published, target);
        }
        notifyAll();
      }
    }
  }

  private void waitForPublisher() throws IOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for a checkpoint");
    }
  }

  /** Stops the timer; the caller publishes the last checkpoint ({@link #now}) after a flush. */
  @Override
  public void close() {
    timer.shutdown(); // an interrupt would abort a checkpoint half-published
    try {
      timer.awaitTermination(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
