package io.granary.snapshots.api;

/** A pool's stored bytes, buffered (unflushed) bytes and provisioned bytes (volume sizes). */
public record SpaceUsage(long storedBytes, long dirtyBytes, long provisionedBytes) {}
