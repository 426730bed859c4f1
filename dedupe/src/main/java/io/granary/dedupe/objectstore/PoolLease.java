package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.StoreException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One writer per pool: the object {@code PREFIX/lease} names the appliance that may write to the
 * pool's bucket, an epoch that grows with every new holder, and when the holding lapses unless
 * renewed ({@code docs/format.md} §5.2). Every change of it is a compare-and-swap on its entity
 * tag, so of two appliances racing for it exactly one wins.
 *
 * <p>States: held (renewed every third of {@link #duration}), <em>lapsed</em> (a renewal could
 * not reach the store before the expiry: writing to the bucket stops until one succeeds, which
 * proves nobody took it meanwhile), <em>lost</em> (a renewal found another holder: for good).
 * {@link #check} is asked before every upload and checkpoint; the epoch goes into the keys this
 * holder writes, and the manifest is itself swapped, so even a holder that missed losing the
 * lease (a paused process, a wrong clock) cannot overwrite what the new one wrote.
 *
 * <p>Locks: this object's monitor guards the tag and the state; the renewal's request is made
 * under it (one small PUT every few seconds). Not done here: read-only use of a pool (which
 * needs no lease).
 */
final class PoolLease implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PoolLease.class.getName());
  static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
  private static final String FIRST_LINE = "granary-pool-lease";

  /** What the lease object says. */
  record Holder(String owner, String host, long epoch, long expiresMillis) {
    byte[] encode() {
      return (FIRST_LINE
              + "\nversion=1\nowner="
              + owner
              + "\nhost="
              + host
              + "\nepoch="
              + epoch
              + "\nexpires="
              + expiresMillis
              + "\n")
          .getBytes(StandardCharsets.UTF_8);
    }

    static Holder decode(byte[] bytes) throws IOException {
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
      if (lines.length < 6 || !lines[0].equals(FIRST_LINE) || !lines[1].equals("version=1")) {
        throw new IOException("the pool's lease object is not one this build reads");
      }
      try {
        return new Holder(
            value(lines[2], "owner"),
            value(lines[3], "host"),
            Long.parseLong(value(lines[4], "epoch")),
            Long.parseLong(value(lines[5], "expires")));
      } catch (NumberFormatException e) {
        throw new IOException("the pool's lease object is damaged: " + e.getMessage());
      }
    }

    private static String value(String line, String key) throws IOException {
      if (!line.startsWith(key + "=")) {
        throw new IOException("the pool's lease object lacks " + key);
      }
      return line.substring(key.length() + 1);
    }

    String describe() {
      return "appliance " + host + " (" + owner + ")";
    }
  }

  private final ObjectStore store;
  private final String key;
  private final String owner;
  private final String host;
  private final Duration duration;
  private final Clock clock;
  private final ScheduledExecutorService renewals;
  private String etag;
  private Holder held;
  private boolean lost;
  private boolean closed;

  private PoolLease(
      ObjectStore store, String key, String owner, String host, Duration duration, Clock clock) {
    this.store = store;
    this.key = key;
    this.owner = owner;
    this.host = host;
    this.duration = duration;
    this.clock = clock;
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lease " + key);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Takes the lease of the pool whose lease object is {@code key}, for {@code owner}: when there
   * is none, when {@code owner} held it (a restart), when its holder released it, or, with
   * {@code takeOver}, when its holder let it lapse. Refused with a clear sentence otherwise.
   */
  static PoolLease acquire(
      ObjectStore store,
      String key,
      String owner,
      String host,
      Duration duration,
      Clock clock,
      boolean takeOver)
      throws IOException {
    PoolLease l = new PoolLease(store, key, owner, host, duration, clock);
    l.take(takeOver);
    long every = Math.max(1, duration.toMillis() / 3);
    l.renewals.scheduleWithFixedDelay(l::renewQuietly, every, every, TimeUnit.MILLISECONDS);
    return l;
  }

  private synchronized void take(boolean takeOver) throws IOException {
    for (int attempt = 0; attempt < 5; attempt++) {
      ObjectStore.Versioned v = store.read(key);
      long epoch = 1;
      if (v != null) {
        Holder h = Holder.decode(v.bytes());
        long now = clock.millis();
        boolean released = h.expiresMillis() == 0;
        if (!h.owner().equals(owner) && !released) {
          if (h.expiresMillis() > now) {
            throw new StoreException(
                StoreException.Kind.LOCKED,
                "the pool is in use by "
                    + h.describe()
                    + " (its lease runs until "
                    + Instant.ofEpochMilli(h.expiresMillis())
                    + "); attach it elsewhere only once that appliance is stopped or gone");
          }
          if (!takeOver) {
            throw new StoreException(
                StoreException.Kind.LOCKED,
                "the pool was in use by "
                    + h.describe()
                    + ", whose lease lapsed at "
                    + Instant.ofEpochMilli(h.expiresMillis())
                    + " without being released; if that appliance is gone, take the pool over"
                    + " explicitly");
          }
        }
        epoch = h.epoch() + 1;
      }
      Holder mine = new Holder(owner, host, epoch, clock.millis() + duration.toMillis());
      String tag = swapOrFindMine(mine.encode(), v == null ? null : v.etag());
      if (tag != null) {
        etag = tag;
        held = mine;
        if (v != null && !Holder.decode(v.bytes()).owner().equals(owner)) {
          LOG.log(Level.WARNING, "took over the pool''s lease {0}, epoch {1}", key, epoch);
        }
        return;
      }
      // Another appliance changed it between the read and the swap: read it again.
    }
    throw new StoreException(
        StoreException.Kind.LOCKED, "the pool's lease keeps changing: another appliance wants it");
  }

  /**
   * Swaps the lease for {@code bytes}; null if it was not as expected. A request the store
   * applied but whose answer was lost is retried by the client and then refused as stale: the
   * object then holds exactly these bytes (their expiry to the millisecond makes them unique),
   * which counts as done.
   */
  private String swapOrFindMine(byte[] bytes, String expected) throws IOException {
    String tag = store.swap(key, bytes, expected);
    if (tag == null) {
      ObjectStore.Versioned v = store.read(key);
      if (v != null && java.util.Arrays.equals(v.bytes(), bytes)) {
        tag = v.etag();
      }
    }
    return tag;
  }

  private void renewQuietly() {
    try {
      renew();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "could not renew the pool''s lease {0}: {1}", key, e.getMessage());
    }
  }

  /** Extends the lease by {@link #duration}, if it is still this holder's. */
  synchronized void renew() throws IOException {
    if (lost || closed) {
      return;
    }
    Holder next = new Holder(owner, host, held.epoch(), clock.millis() + duration.toMillis());
    String tag = swapOrFindMine(next.encode(), etag);
    if (tag == null) {
      lost = true;
      LOG.log(
          Level.ERROR,
          "lost the pool''s lease {0}: another appliance holds it; this one writes nothing more"
              + " to the bucket",
          key);
      return;
    }
    etag = tag;
    held = next;
  }

  /** The epoch this holder writes under. */
  synchronized long epoch() {
    return held.epoch();
  }

  /**
   * Fails unless this appliance holds the lease now, with a margin of a sixth of its duration
   * for clocks that disagree: before each write to the bucket.
   */
  synchronized void check() throws IOException {
    if (lost) {
      throw new IOException("another appliance took this pool over: nothing more is written");
    }
    if (closed) {
      throw new IOException("the pool's lease was released");
    }
    if (clock.millis() > held.expiresMillis() - duration.toMillis() / 6) {
      throw new IOException(
          "the pool's lease lapsed (the object store was not reachable to renew it)");
    }
  }

  synchronized boolean lost() {
    return lost;
  }

  /** Stops renewing and releases the lease (its expiry 0), so the next holder needs no wait. */
  @Override
  public void close() throws IOException {
    // Not shutdownNow: an interrupt could abort a renewal the store applies anyway, leaving
    // this holder with a stale tag and the release refused.
    renewals.shutdown();
    try {
      renewals.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (lost) {
        return;
      }
      String why;
      try {
        why =
            swapOrFindMine(new Holder(owner, host, held.epoch(), 0).encode(), etag) == null
                ? "another appliance changed it"
                : null;
      } catch (IOException e) {
        why = e.getMessage(); // the store out of reach: closing the pool must not fail for it
      }
      if (why != null) {
        LOG.log(
            Level.WARNING,
            "could not release the pool''s lease {0} ({1}): it lapses by itself",
            key,
            why);
      }
    }
  }

  /** Stops renewing without releasing (tests: an appliance that froze or died). */
  void abandon() throws InterruptedException {
    renewals.shutdown();
    renewals.awaitTermination(1, TimeUnit.MINUTES);
  }
}
