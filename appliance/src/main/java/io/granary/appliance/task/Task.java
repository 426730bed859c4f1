package io.granary.appliance.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Locale;

/**
 * A long operation the daemon runs for a client (import, export, scrub, gc, rollback): its
 * progress as {@code done} of {@code total} (−1 when unknown), its state and its outcome.
 * Thread-safe; every change wakes the clients waiting on it.
 */
public final class Task {
  /** Where a task is in its life. */
  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  private final String id;
  private final String type;
  private final String target;
  private final String unit;
  private final Instant started;
  private State state = State.RUNNING;
  private long done;
  private long total = -1;
  private Instant finished;
  private Throwable failure;
  private Object result;
  private long version;

  Task(String id, String type, String target, String unit, Instant started) {
    this.id = id;
    this.type = type;
    this.target = target;
    this.unit = unit;
    this.started = started;
  }

  /** What the task's work sees: it reports progress through this. */
  public interface Progress {
    void set(long done, long total);
  }

  public synchronized boolean running() {
    return state == State.RUNNING;
  }

  public String id() {
    return id;
  }

  synchronized void progress(long done, long total) {
    this.done = done;
    this.total = total;
    changed();
  }

  synchronized void succeed(Object result, Instant now) {
    this.result = result;
    if (total >= 0) {
      done = total;
    }
    state = State.SUCCEEDED;
    finished = now;
    changed();
  }

  synchronized void fail(Throwable t, Instant now) {
    failure = t;
    state = State.FAILED;
    finished = now;
    changed();
  }

  private void changed() {
    version++;
    notifyAll();
  }

  /** Waits until the task changes or {@code millis} pass; returns a snapshot of it. */
  public synchronized Snapshot await(long seenVersion, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (version == seenVersion && state == State.RUNNING) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return snapshot();
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(
        id,
        type,
        target,
        state.name().toLowerCase(Locale.ROOT),
        done,
        total,
        unit,
        started.toString(),
        finished == null ? null : finished.toString(),
        failure,
        result,
        version);
  }

  /**
   * The task as it stands: its fields as {@code docs/api.md} shows them, and the failure of a
   * failed task (null otherwise), which the admin API shows as a problem beside them.
   */
  public record Snapshot(
      String id,
      String type,
      String target,
      String state,
      long done,
      long total,
      String unit,
      String started,
      String finished,
      @JsonIgnore Throwable failure,
      Object result,
      long version) {}
}
