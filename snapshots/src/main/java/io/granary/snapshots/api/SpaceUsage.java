package io.granary.snapshots.api;

/**
 * How much of a pool is used.
 *
 * @param storedBytes the chunk store's stored payload bytes, compressed and deduplicated: the
 *     pool's physical use
 * @param dirtyBytes data written but not yet flushed into the chunk store (whole blocks)
 * @param provisionedBytes the sizes of all volumes added up (clones are volumes; snapshots
 *     are not counted)
 */
public record SpaceUsage(long storedBytes, long dirtyBytes, long provisionedBytes) {}
