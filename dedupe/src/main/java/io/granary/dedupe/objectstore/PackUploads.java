package io.granary.dedupe.objectstore;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sealed packs on their way from the spool to the object store, uploaded one at a time in the
 * order they were sealed, on a thread of their own. An upload that fails is retried after a
 * pause that doubles up to {@link #MAX_PAUSE_MS} (the store down, throttling), for as long as
 * it takes: a sealed pack's only durable copy is in the spool until the store has it, so giving
 * up is never an option, and the backlog ({@link #backlogBytes}) says how far behind it is.
 *
 * <p>Locks: the queue under this object's monitor; the upload itself outside it. A pack deleted
 * while queued leaves the queue; one deleted while its upload runs is deleted from the store by
 * the medium when the upload reports.
 *
 * <p>Not done here: what an upload is (the medium's {@link Upload}), a rate or bandwidth limit,
 * what waits for the backlog to shrink (the medium, before it starts a pack).
 */
final class PackUploads implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PackUploads.class.getName());
  static final long MAX_PAUSE_MS = 30_000;
  private static final long FIRST_PAUSE_MS = 250;

  /** How long closing waits for an upload under way to finish. */
  private static final long CLOSE_WAIT_MS = 120_000;

  /** Uploads one pack; returns normally once the store holds it. */
  @FunctionalInterface
  interface Upload {
    void upload(int packId) throws IOException;
  }

  private final Upload upload;
  private final LinkedHashMap<Integer, Long> queued = new LinkedHashMap<>();
  private final Thread thread;
  private long queuedBytes;
  private long runningBytes;
  private int running = -1;
  private boolean closed;
  private long failures;
  private String lastFailure;

  PackUploads(String name, Upload upload) {
    this.upload = upload;
    this.thread = new Thread(this::run, "pack-uploads " + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a pack of {@code bytes} bytes; nothing if it is queued or being uploaded. */
  synchronized void add(int packId, long bytes) {
    if (closed || packId == running || queued.containsKey(packId)) {
      return;
    }
    queued.put(packId, bytes);
    queuedBytes += bytes;
    notifyAll();
  }

  /** Takes a pack out of the queue; false if it is not queued (perhaps being uploaded). */
  synchronized boolean remove(int packId) {
    Long bytes = queued.remove(packId);
    if (bytes == null) {
      return false;
    }
    queuedBytes -= bytes;
    return true;
  }

  synchronized boolean pending(int packId) {
    return packId == running || queued.containsKey(packId);
  }

  /** Bytes sealed but not yet in the store. */
  synchronized long backlogBytes() {
    return queuedBytes + runningBytes;
  }

  synchronized int backlogPacks() {
    return queued.size() + (running >= 0 ? 1 : 0);
  }

  /** Failed attempts so far; why the uploads fail now (null once one succeeded again). */
  synchronized long failures() {
    return failures;
  }

  synchronized String lastFailure() {
    return lastFailure;
  }

  /**
   * Waits until no pack numbered up to {@code lastPackId} is queued or being uploaded; throws
   * if the uploads close first.
   */
  synchronized void awaitThrough(int lastPackId) throws InterruptedException, IOException {
    while (pendingThrough(lastPackId)) {
      if (closed) {
        throw new IOException("the pool is closing: packs are still waiting for their upload");
      }
      wait();
    }
  }

  private boolean pendingThrough(int lastPackId) {
    if (running >= 0 && Integer.compareUnsigned(running, lastPackId) <= 0) {
      return true;
    }
    for (int id : queued.keySet()) {
      if (Integer.compareUnsigned(id, lastPackId) <= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits while {@code limitBytes} or more are sealed but not yet in the store (back-pressure:
   * the store down or slower than the writers); returns at once once closed.
   */
  synchronized void awaitBacklogBelow(long limitBytes) throws InterruptedException {
    while (!closed && backlogBytes() >= limitBytes) {
      wait();
    }
  }

  /** Waits until nothing is queued or being uploaded. */
  synchronized void awaitEmpty() throws InterruptedException {
    while (!closed && backlogPacks() > 0) {
      wait();
    }
  }

  private void run() {
    long pause = FIRST_PAUSE_MS;
    while (true) {
      int packId;
      synchronized (this) {
        while (!closed && queued.isEmpty()) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        Map.Entry<Integer, Long> next = queued.entrySet().iterator().next();
        packId = next.getKey();
        queued.remove(packId);
        queuedBytes -= next.getValue();
        running = packId;
        runningBytes = next.getValue();
      }
      boolean done = false;
      try {
        upload.upload(packId);
        done = true;
        pause = FIRST_PAUSE_MS;
        synchronized (this) {
          lastFailure = null; // the store takes uploads again
        }
      } catch (IOException | RuntimeException e) {
        synchronized (this) {
          failures++;
          lastFailure = e.getMessage();
        }
        LOG.log(
            Level.WARNING,
            "upload of pack {0} failed ({1}); retrying in {2} ms",
            String.format("%08x", packId),
            e.getMessage(),
            pause);
      }
      synchronized (this) {
        running = -1;
        if (!done && !closed) {
          // back at the head of the queue, so packs go up in order
          LinkedHashMap<Integer, Long> rest = new LinkedHashMap<>(queued);
          queued.clear();
          queued.put(packId, runningBytes);
          queued.putAll(rest);
          queuedBytes += runningBytes;
        }
        runningBytes = 0;
        notifyAll();
        if (!done) {
          long until = System.currentTimeMillis() + pause;
          for (long left = pause; !closed && left > 0; left = until - System.currentTimeMillis()) {
            try {
              wait(left);
            } catch (InterruptedException e) {
              return;
            }
          }
          pause = Math.min(pause * 2, MAX_PAUSE_MS);
        }
      }
    }
  }

  /** Stops after the upload that runs, if any; what is queued stays in the spool. */
  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    thread.join(CLOSE_WAIT_MS);
  }
}
