package io.granary.appliance.task;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs long operations in the background and keeps their records (the last 200 finished
 * ones) for clients that follow them.
 */
public final class Tasks implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Tasks.class.getName());
  private static final int KEEP_FINISHED = 200;

  /** The work of a task; it reports progress and returns a result for the JSON answer. */
  @FunctionalInterface
  public interface Work {
    Object run(Task.Progress progress) throws Exception;
  }

  private final Clock clock;
  private final ExecutorService workers;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<String, Task> tasks = new LinkedHashMap<>();

  public Tasks(Clock clock, int threads) {
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "granary-task-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public Task start(String type, String target, String unit, Work work) {
    return start(type, target, unit, workers, work);
  }

  /**
   * A task run by {@code where} instead of the task threads: for work of a service of its own
   * (scheduled replications) that must neither wait behind an admin's tasks nor hold them up.
   * Its owner stops {@code where}; {@link #close} does not wait for it.
   */
  public Task start(String type, String target, String unit, Executor where, Work work) {
    Task t = new Task(Integer.toString(ids.incrementAndGet()), type, target, unit, clock.instant());
    synchronized (tasks) {
      tasks.put(t.id(), t);
      prune();
    }
    LOG.log(Level.INFO, "task {0} started: {1} {2}", t.id(), type, target);
    where.execute(
        () -> {
          try {
            Object result = work.run(t::progress);
            t.succeed(result, clock.instant());
            LOG.log(Level.INFO, "task {0} ({1} {2}) succeeded", t.id(), type, target);
          } catch (Exception | Error e) {
            t.fail(e, clock.instant());
            LOG.log(
                Level.WARNING,
                "task {0} ({1} {2}) failed: {3}",
                t.id(),
                type,
                target,
                e.getMessage());
          }
        });
    return t;
  }

  private void prune() {
    List<String> finished = new ArrayList<>();
    for (Task t : tasks.values()) {
      if (!"running".equals(t.snapshot().state())) {
        finished.add(t.id());
      }
    }
    for (int i = 0; i < finished.size() - KEEP_FINISHED; i++) {
      tasks.remove(finished.get(i));
    }
  }

  public Task get(String id) {
    synchronized (tasks) {
      return tasks.get(id);
    }
  }

  public List<Task> list() {
    synchronized (tasks) {
      return new ArrayList<>(tasks.values());
    }
  }

  public long running() {
    return list().stream().filter(t -> "running".equals(t.snapshot().state())).count();
  }

  /** Lets running tasks finish (up to a minute), then stops. */
  @Override
  public void close() throws InterruptedException {
    workers.shutdown();
    if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
      workers.shutdownNow();
    }
  }
}
