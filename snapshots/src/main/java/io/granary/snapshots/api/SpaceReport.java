package io.granary.snapshots.api;

import java.time.Duration;

/** What a garbage collection freed: chunks forgotten, packs rewritten, bytes given back. */
public record SpaceReport(
    long chunksBefore,
    long chunksLive,
    long chunksFreed,
    int packsCompacted,
    long bytesReclaimed,
    Duration elapsed) {}
