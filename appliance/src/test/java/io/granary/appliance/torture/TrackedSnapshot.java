package io.granary.appliance.torture;

/**
 * A snapshot the churn made and perhaps cloned, with, per sector, the window of writes it may
 * hold: from the last write acknowledged before it was asked for to the last one sent before
 * it was answered.
 */
final class TrackedSnapshot {
  final String name;
  final int[] floor;
  int[] ceiling;
  Fate created = Fate.UNKNOWN;
  Fate deleted = Fate.NO;
  Fate cloned = Fate.NO;
  Fate cloneDeleted = Fate.NO;

  TrackedSnapshot(String name, int[] floor) {
    this.name = name;
    this.floor = floor;
  }

  String cloneName() {
    return "clone-" + name;
  }

  boolean hasClone() {
    return cloned != Fate.NO && cloneDeleted != Fate.YES;
  }
}
