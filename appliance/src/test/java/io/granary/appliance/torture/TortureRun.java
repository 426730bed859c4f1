package io.granary.appliance.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.appliance.torture.Admin.Result;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash torture: writers and an administrator work on a real daemon, which is killed with
 * SIGKILL at a random moment (or while a chosen admin operation is in flight), restarted and
 * checked: every acknowledged-durable write reads back, no sector holds anything it may not,
 * acknowledged snapshots and clones exist and hold what they should, deleted ones stay deleted,
 * and scrub finds nothing damaged. Repeated for a number of cycles.
 *
 * <p>On a pool whose packs go to an object store, the store is also killed in some cycles (the
 * first always): restarted while the daemon still runs (the first), or left down across the
 * daemon's kill and restarted just before the daemon (the second), at random after that.
 */
public final class TortureRun {
  /** The daemon under torture. */
  public interface Appliance extends Admin {
    /** Starts it (again) and waits until it serves. */
    void start() throws Exception;

    void kill9() throws Exception;

    /** Starts it and kills it {@code millis} later; whether it had become ready by then. */
    boolean killWhileStarting(long millis) throws Exception;

    int nbdPort();

    /** Makes the pool the run works in on the started daemon; returns its name. */
    default String preparePool() throws Exception {
      return "default";
    }

    /** Whether the pool's packs go to an object store that {@link #killObjectStore} can kill. */
    default boolean hasObjectStore() {
      return false;
    }

    /** Kills the object store at once (SIGKILL). */
    default void killObjectStore() throws Exception {
      throw new UnsupportedOperationException("no object store");
    }

    /** Starts the object store again after {@link #killObjectStore}; a no-op while it runs. */
    default void startObjectStore() throws Exception {
      throw new UnsupportedOperationException("no object store");
    }
  }

  /** What a cycle does to the object store. */
  private enum StoreOutage {
    NONE,
    /** killed, then started again while the writers run */
    RESTARTED_WHILE_SERVING,
    /** killed, and started again only after the daemon's kill, before its restart */
    DOWN_ACROSS_THE_KILL
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SECTORS = 8192; // 32 MiB
  private static final int WRITERS = 2;
  private static final String[] TARGETS = {null, "snapshot", "clone", "delete", "gc"};

  private final Appliance appliance;
  private String pool;
  private String volume;
  private final SplittableRandom random;
  private final SectorLedger ledger = new SectorLedger(SECTORS);
  private final AtomicLong ids = new AtomicLong();
  private final List<TrackedSnapshot> snapshots = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<String, Integer> killsDuring = new TreeMap<>();
  private final Map<StoreOutage, Integer> outages = new TreeMap<>();
  private final List<String> excused = new ArrayList<>();
  private ExportCheck check;
  private int cycles;
  private int nextName;
  private long writes;
  private long flushes;
  private long bytesAcked;
  private long snapshotsChecked;
  private long clonesChecked;
  private long gcRuns;
  private long packsCompacted;
  private long chunksFreed;

  public TortureRun(Appliance appliance, long seed) {
    this.appliance = appliance;
    this.random = new SplittableRandom(seed);
  }

  /** Runs up to {@code n} cycles, stopping at the first that finds something wrong. */
  public TortureRun run(int n) throws Exception {
    appliance.start();
    pool = appliance.preparePool();
    volume = pool + "/torture";
    ok(appliance.run("volume", "create", volume, "--size", SECTORS / 256 + "M"));
    check = new ExportCheck(appliance.nbdPort(), ledger);
    for (int c = 1; c <= n && failures.isEmpty(); c++) {
      cycle();
      cycles = c;
    }
    return this;
  }

  public List<String> failures() {
    return failures;
  }

  private void cycle() throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    AtomicBoolean storeDisturbed = new AtomicBoolean();
    List<TortureWriter> writers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      TortureWriter writer =
          new TortureWriter(
              appliance.nbdPort(),
              volume,
              ledger,
              w * SECTORS / WRITERS,
              SECTORS / WRITERS,
              ids,
              random.nextLong());
      writers.add(writer);
      threads.add(new Thread(writer, "torture-writer-" + w));
    }
    AdminChurn churn =
        new AdminChurn(
            appliance,
            volume,
            ledger,
            snapshots,
            nextName,
            killed,
            storeDisturbed,
            random.nextLong());
    threads.add(new Thread(churn, "torture-admin"));
    StoreOutage outage = outage();
    List<Exception> storeErrors = new ArrayList<>();
    Thread store =
        new Thread(() -> disturbStore(outage, storeDisturbed, storeErrors), "torture-store");
    threads.forEach(Thread::start);
    store.start();

    if (outage == StoreOutage.RESTARTED_WHILE_SERVING) {
      // the daemon lives through the whole outage: writes go on while the store is down, and
      // the uploads it held back resume before the kill
      store.join(120_000);
    }
    String inFlight = awaitKillMoment(churn);
    killed.set(true);
    appliance.kill9();
    killsDuring.merge(inFlight, 1, Integer::sum);
    writers.forEach(TortureWriter::stop);
    churn.stop();
    threads.add(store);
    for (Thread t : threads) {
      t.join(60_000);
      if (t.isAlive()) {
        failures.add(t.getName() + " still runs a minute after the kill");
        return;
      }
    }
    if (outage != StoreOutage.NONE) {
      outages.merge(outage, 1, Integer::sum);
      appliance.startObjectStore(); // down across the kill: back before the daemon
    }
    for (Exception e : storeErrors) {
      failures.add("the object store could not be killed or restarted: " + e);
    }
    excused.addAll(churn.excused());
    for (TortureWriter w : writers) {
      writes += w.writes();
      flushes += w.flushes();
      bytesAcked += w.bytesAcked();
      if (w.failure() != null) {
        failures.add(w.failure());
      }
    }
    failures.addAll(churn.failures());
    nextName = churn.nextName();
    gcRuns += churn.gcRuns();
    packsCompacted += churn.packsCompacted();
    chunksFreed += churn.chunksFreed();

    if (random.nextInt(4) == 0) {
      // Again while it recovers: replaying the journals must itself survive a kill.
      boolean ready = appliance.killWhileStarting(150 + random.nextInt(1000));
      killsDuring.merge(ready ? "restart (serving)" : "restart (recovering)", 1, Integer::sum);
    }
    appliance.start();
    verifyVolume();
    verifySnapshotsAndClones();
    scrub();
  }

  /** This cycle's outage: the first two cycles one of each, then one cycle in three. */
  private StoreOutage outage() {
    if (!appliance.hasObjectStore()) {
      return StoreOutage.NONE;
    }
    return switch (cycles) {
      case 0 -> StoreOutage.RESTARTED_WHILE_SERVING;
      case 1 -> StoreOutage.DOWN_ACROSS_THE_KILL;
      default ->
          random.nextInt(3) != 0
              ? StoreOutage.NONE
              : random.nextBoolean()
                  ? StoreOutage.RESTARTED_WHILE_SERVING
                  : StoreOutage.DOWN_ACROSS_THE_KILL;
    };
  }

  /**
   * Kills the object store early in the cycle (before the daemon's kill, which comes 300 ms in
   * at the earliest) and, for {@link StoreOutage#RESTARTED_WHILE_SERVING}, starts it again.
   */
  private void disturbStore(StoreOutage outage, AtomicBoolean disturbed, List<Exception> errors) {
    if (outage == StoreOutage.NONE) {
      return;
    }
    try {
      Thread.sleep(100);
      disturbed.set(true);
      appliance.killObjectStore();
      if (outage == StoreOutage.RESTARTED_WHILE_SERVING) {
        appliance.startObjectStore();
      }
    } catch (Exception e) {
      errors.add(e);
    }
  }

  /** Sleeps until a random moment, or until the cycle's chosen admin operation is under way. */
  private String awaitKillMoment(AdminChurn churn) throws InterruptedException {
    String target = TARGETS[random.nextInt(TARGETS.length)];
    Thread.sleep(300 + random.nextInt(target == null ? 2500 : 700));
    if (target != null) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!target.equals(churn.current()) && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      Thread.sleep(random.nextInt(30));
    }
    String now = churn.current();
    return now.equals("idle") ? "writes only" : now;
  }

  private void verifyVolume() throws Exception {
    long[] found = check.check(volume, ledger.durableNow(), ledger.sentNow(), failures);
    for (int s = 0; s < found.length; s++) {
      ledger.restored(s, found[s]);
    }
    check.flush(volume);
  }

  private void verifySnapshotsAndClones() throws Exception {
    Set<String> snaps = names(appliance.run("snapshot", "list", "-H", volume));
    Set<String> volumes = names(appliance.run("volume", "list", "-H"));
    int[] sentAtKill = ledger.sentNow();
    for (TrackedSnapshot s : List.copyOf(snapshots)) {
      String export = volume + "@" + s.name;
      boolean exists = snaps.contains(export);
      if (!exists) {
        if (s.created == Fate.YES && s.deleted == Fate.NO) {
          failures.add("acknowledged snapshot " + s.name + " is gone after the crash");
        }
        snapshots.remove(s);
        continue;
      }
      if (s.deleted == Fate.YES) {
        failures.add("deleted snapshot " + s.name + " is back after the crash");
      }
      if (s.ceiling == null) {
        s.ceiling = sentAtKill;
      }
      s.created = Fate.YES;
      s.deleted = Fate.NO;
      long[] content = check.check(export, s.floor, s.ceiling, failures);
      snapshotsChecked++;
      verifyClone(s, volumes, content);
    }
  }

  private void verifyClone(TrackedSnapshot s, Set<String> volumes, long[] snapshot)
      throws Exception {
    String clone = pool + "/" + s.cloneName();
    boolean exists = volumes.contains(clone);
    if (!exists) {
      if (s.cloned == Fate.YES && s.cloneDeleted == Fate.NO) {
        failures.add("acknowledged clone " + clone + " is gone after the crash");
      }
      s.cloned = Fate.NO;
      s.cloneDeleted = Fate.NO;
      return;
    }
    if (s.cloneDeleted == Fate.YES) {
      failures.add("deleted clone " + clone + " is back after the crash");
    }
    s.cloned = Fate.YES;
    s.cloneDeleted = Fate.NO;
    long[] content = check.check(clone, s.floor, s.ceiling, failures);
    clonesChecked++;
    for (int i = 0; i < content.length; i++) {
      if (content[i] != snapshot[i]) {
        failures.add(
            "clone "
                + clone
                + " differs from its snapshot at sector "
                + i
                + ": "
                + content[i]
                + " vs "
                + snapshot[i]);
        return;
      }
    }
  }

  private void scrub() throws Exception {
    Result r = appliance.run("scrub", pool, "--json", "--no-progress");
    ok(r);
    JsonNode report = JSON.readTree(r.out());
    if (report.get("damaged").size() != 0
        || report.get("damagedPacks").size() != 0
        || report.get("damagedJournals").size() != 0) {
      failures.add("scrub found damage after cycle " + (cycles + 1) + ": " + report);
    }
  }

  /** The first column of each line of a scripted (-H) listing. */
  private Set<String> names(Result r) {
    ok(r);
    Set<String> names = new HashSet<>();
    for (String line : r.out().split("\n")) {
      if (!line.isBlank()) {
        names.add(line.split("\t")[0]);
      }
    }
    return names;
  }

  private static void ok(Result r) {
    if (r.exit() != 0) {
      throw new IllegalStateException("granary failed: " + r.out());
    }
  }

  /** The summary `make torture` prints. */
  public String summary() {
    return String.format(
            """
        torture: %d cycles, %d failures
          kill -9 while in flight: %s
          object store killed: %s, admin operations failed meanwhile: %d
          acknowledged: %d writes (%.1f MiB), %d flushes
          verified: %.1f MiB read back (volume, %d snapshot reads, %d clone reads)
          gc: %d runs, %d packs compacted, %d chunks freed
        """,
            cycles,
            failures.size(),
            killsDuring,
            outages,
            excused.size(),
            writes,
            bytesAcked / 1048576.0,
            flushes,
            check == null ? 0 : check.bytesVerified() / 1048576.0,
            snapshotsChecked,
            clonesChecked,
            gcRuns,
            packsCompacted,
            chunksFreed)
        + (excused.isEmpty()
            ? ""
            : "  failed while the object store was down (not findings):\n    "
                + String.join("\n    ", excused)
                + "\n")
        + (failures.isEmpty() ? "" : "  failures:\n    " + String.join("\n    ", failures) + "\n");
  }
}
