package io.granary.snapshots.api;

/**
 * The memory that the unflushed blocks of every pool opened with it may take together: one
 * bound per process, as OpenZFS has one {@code zfs_dirty_data_max} for all its pools, so that
 * adding a pool does not add a bound's worth of memory. Each pool still counts its own dirty
 * bytes against its own capacity. Made by {@link VolumeStores#dirtyMemory}; thread-safe.
 */
public interface DirtyMemory {
  long limitBytes();

  /** Dirty bytes of every pool together. */
  long usedBytes();
}
