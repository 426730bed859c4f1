package io.granary.fuse.api;

/** What {@code df} shows for a pool: its capacity and what is still free, in bytes. */
public record PoolSpace(long capacityBytes, long freeBytes) {}
