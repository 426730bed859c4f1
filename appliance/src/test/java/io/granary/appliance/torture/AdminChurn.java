package io.granary.appliance.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The administrator beside the writers: snapshots, clones of them, deletions and garbage
 * collections (which compact packs), one at a time through the CLI, each one's fate recorded
 * so that a check after the crash knows what must, may and must not exist.
 */
final class AdminChurn implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEEP = 3;

  private final Admin admin;
  private final String volume;
  private final SectorLedger ledger;
  private final List<TrackedSnapshot> snapshots;
  private final AtomicBoolean killed;
  private final AtomicBoolean storeDisturbed;
  private final SplittableRandom random;
  private final List<String> failures = new ArrayList<>();
  private final List<String> excused = new ArrayList<>();
  private volatile String current = "idle";
  private volatile boolean stopped;
  private int nextName;
  private long gcRuns;
  private long packsCompacted;
  private long chunksFreed;

  AdminChurn(
      Admin admin,
      String volume,
      SectorLedger ledger,
      List<TrackedSnapshot> snapshots,
      int firstName,
      AtomicBoolean killed,
      AtomicBoolean storeDisturbed,
      long seed) {
    this.admin = admin;
    this.volume = volume;
    this.ledger = ledger;
    this.snapshots = snapshots;
    this.nextName = firstName;
    this.killed = killed;
    this.storeDisturbed = storeDisturbed;
    this.random = new SplittableRandom(seed);
  }

  /** The operation in flight ("snapshot", "clone", "delete", "gc" or "idle"). */
  String current() {
    return current;
  }

  void stop() {
    stopped = true;
  }

  /**
   * Operations that failed while the daemon was up but its object store had been taken away
   * in this cycle: their fate is unknown, not a finding; the summary shows them.
   */
  List<String> excused() {
    return excused;
  }

  List<String> failures() {
    return failures;
  }

  int nextName() {
    return nextName;
  }

  long gcRuns() {
    return gcRuns;
  }

  long packsCompacted() {
    return packsCompacted;
  }

  long chunksFreed() {
    return chunksFreed;
  }

  @Override
  public void run() {
    while (!stopped && !killed.get()) {
      try {
        Thread.sleep(50 + random.nextInt(250));
      } catch (InterruptedException e) {
        return;
      }
      int op = random.nextInt(100);
      long live = snapshots.stream().filter(s -> s.deleted == Fate.NO).count();
      if (op < 35 && live < KEEP) {
        snapshot();
      } else if (op < 55) {
        cloneOne();
      } else if (op < 75 && live > 0) {
        deleteOldest();
      } else {
        gc();
      }
      current = "idle";
    }
  }

  private void snapshot() {
    current = "snapshot";
    TrackedSnapshot s = new TrackedSnapshot("t" + nextName++, ledger.ackedNow());
    snapshots.add(s);
    Admin.Result r = admin.run("snapshot", "create", volume + "@" + s.name);
    s.created = fate(r, "snapshot create " + s.name);
    if (s.created == Fate.YES) {
      s.ceiling = ledger.sentNow();
    } else if (s.created == Fate.NO) {
      snapshots.remove(s);
    }
  }

  private void cloneOne() {
    for (TrackedSnapshot s : snapshots) {
      if (s.created == Fate.YES && s.deleted == Fate.NO && s.cloned == Fate.NO) {
        current = "clone";
        s.cloned =
            fate(
                admin.run("volume", "clone", volume + "@" + s.name, pool() + s.cloneName()),
                "clone of " + s.name);
        return;
      }
    }
  }

  private void deleteOldest() {
    for (TrackedSnapshot s : snapshots) {
      if (s.created != Fate.YES || s.deleted != Fate.NO) {
        continue;
      }
      current = "delete";
      if (s.hasClone()) {
        s.cloneDeleted =
            fate(
                admin.run("volume", "delete", pool() + s.cloneName()), "delete clone of " + s.name);
        if (s.cloneDeleted != Fate.YES) {
          return;
        }
      }
      s.deleted =
          fate(admin.run("snapshot", "delete", volume + "@" + s.name), "snapshot delete " + s.name);
      return;
    }
  }

  private void gc() {
    current = "gc";
    Admin.Result r = admin.run("gc", pool().replace("/", ""), "--json", "--no-progress");
    if (fate(r, "gc") == Fate.YES) {
      try {
        JsonNode report = JSON.readTree(r.out());
        gcRuns++;
        packsCompacted += report.get("packsCompacted").asLong();
        chunksFreed += report.get("chunksFreed").asLong();
      } catch (Exception e) {
        failures.add("gc printed no JSON report: " + r.out());
      }
    }
  }

  private String pool() {
    return volume.substring(0, volume.indexOf('/') + 1);
  }

  /**
   * Success is YES; a failure after the kill, or once the object store was taken away, is
   * UNKNOWN; any other failure before the kill is a finding.
   */
  private Fate fate(Admin.Result r, String what) {
    if (r.exit() == 0) {
      return Fate.YES;
    }
    if (killed.get()) {
      return Fate.UNKNOWN;
    }
    if (storeDisturbed.get()) {
      excused.add(what + ": " + r.out().strip());
      return Fate.UNKNOWN;
    }
    failures.add(what + " failed while the daemon was up: " + r.out());
    stopped = true;
    return Fate.NO;
  }
}
