package io.granary.appliance.torture;

import java.util.Arrays;

/**
 * What every sector of a tortured volume may hold: the ids of the writes sent to it, in order
 * (one write per sector in flight at a time, so the order is the server's too), how many were
 * acknowledged and how many a FLUSH or FUA made durable. A read after a crash may show the last
 * durable write or any later one; never an earlier one, never anything else.
 */
final class SectorLedger {
  private final long[][] values;
  private final int[] sent;
  private final int[] acked;
  private final int[] durable;

  /** A volume of {@code sectors} sectors, all zeroes and durable. */
  SectorLedger(int sectors) {
    values = new long[sectors][];
    sent = new int[sectors];
    acked = new int[sectors];
    durable = new int[sectors];
    for (int s = 0; s < sectors; s++) {
      values[s] = new long[4];
    }
  }

  int sectors() {
    return values.length;
  }

  /** Records write {@code value} sent to sectors [from, from + count). */
  synchronized void sent(int from, int count, long value) {
    for (int s = from; s < from + count; s++) {
      if (sent[s] + 1 == values[s].length) {
        values[s] = Arrays.copyOf(values[s], values[s].length * 2);
      }
      values[s][++sent[s]] = value;
    }
  }

  /** The last write sent to each of these sectors was acknowledged. */
  synchronized void acked(int from, int count) {
    for (int s = from; s < from + count; s++) {
      acked[s] = sent[s];
    }
  }

  /** Every acknowledged write to these sectors is durable (a FLUSH or a FUA write answered). */
  synchronized void durable(int from, int count) {
    for (int s = from; s < from + count; s++) {
      durable[s] = acked[s];
    }
  }

  /** Per sector, the index of its last acknowledged write: the floor of a snapshot taken now. */
  synchronized int[] ackedNow() {
    return acked.clone();
  }

  /** Per sector, the index of its last write sent: the ceiling of a snapshot acknowledged now. */
  synchronized int[] sentNow() {
    return sent.clone();
  }

  /** Per sector, the index of its last durable write: the floor after a crash. */
  synchronized int[] durableNow() {
    return durable.clone();
  }

  /** Whether {@code value} is one of the writes [floor, ceiling] of {@code sector}. */
  synchronized boolean allows(int sector, long value, int floor, int ceiling) {
    for (int i = floor; i <= ceiling; i++) {
      if (values[sector][i] == value) {
        return true;
      }
    }
    return false;
  }

  /** A human-readable account of a sector's window, for failure messages. */
  synchronized String describe(int sector, int floor, int ceiling) {
    return "sector "
        + sector
        + " may hold writes "
        + Arrays.toString(Arrays.copyOfRange(values[sector], floor, ceiling + 1))
        + " (of "
        + (sent[sector] + 1)
        + " values)";
  }

  /**
   * After a restart the sector reads {@code value} and that state is flushed: it becomes the
   * sector's durable write, so writes lost in the crash can never count as allowed again.
   */
  synchronized void restored(int sector, long value) {
    sent(sector, 1, value);
    acked[sector] = sent[sector];
    durable[sector] = sent[sector];
  }
}
