package io.granary.dedupe.api;

import java.time.Duration;

/** What a garbage collection did: chunks marked, forgotten, and packs rewritten. */
public record GcReport(
    long chunksBefore,
    long chunksMarked,
    long chunksSwept,
    long storedBytesSwept,
    int packsCompacted,
    long packBytesReclaimed,
    Duration elapsed) {}
