package io.granary.fuse.fs;

import java.time.Instant;

/** What stat shows for one path: directory or file, size, allocated bytes, mode, times. */
public record Attributes(
    boolean directory,
    long size,
    long allocatedBytes,
    boolean readOnly,
    Instant created,
    Instant modified) {}
