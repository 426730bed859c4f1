package io.granary.fuse.api;

import java.nio.file.Path;

/** Where to mount, and whether users other than the daemon's may look in. */
public record MountConfig(Path mountPoint, boolean allowOther) {}
