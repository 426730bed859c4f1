package io.granary.appliance.pool;

/**
 * A pool's space at one moment. {@code used}: stored bytes after dedupe and compression
 * (what the capacity limits); {@code buffered}: written but not yet flushed into the store;
 * {@code logical}: every byte ever written into the store, before dedupe; {@code unique}:
 * distinct bytes before compression; {@code provisioned}: the volumes' sizes added up;
 * {@code alert}: as in {@link PoolFill}.
 */
public record PoolUsage(
    long capacity,
    long used,
    long buffered,
    long logical,
    long unique,
    long diskBytes,
    long chunks,
    long provisioned,
    long provisionLimit,
    AlertLevel alert) {

  /** Logical over unique (1.0 for an empty pool). */
  public double dedupeRatio() {
    return unique == 0 ? 1.0 : (double) logical / unique;
  }

  /** Unique over stored (1.0 for an empty pool). */
  public double compressionRatio() {
    return used == 0 ? 1.0 : (double) unique / used;
  }

  public double usedRatio() {
    return capacity == 0 ? 1.0 : (double) used / capacity;
  }
}
