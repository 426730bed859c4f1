package io.granary.appliance.pool;

/**
 * How full a pool is, from in-memory figures only (no look at its files): capacity, stored
 * bytes, buffered bytes, and the alert level of stored plus buffered, since buffered writes
 * are already admitted against the capacity.
 */
public record PoolFill(long capacity, long used, long buffered, AlertLevel alert) {

  public double usedRatio() {
    return capacity == 0 ? 1.0 : (double) used / capacity;
  }
}
