package io.granary.fuse.api;

import io.granary.fuse.binding.JnrFuseMount;
import io.granary.fuse.fs.VolumeFileSystem;
import java.io.IOException;

/** Mounts the namespace of volumes as files. */
public final class FuseMounts {
  private FuseMounts() {}

  /** Mounts {@code namespace} at the configured point; returns once the mount is live. */
  public static FuseMount mount(MountConfig config, FuseNamespace namespace) throws IOException {
    return JnrFuseMount.mount(config, new VolumeFileSystem(namespace));
  }
}
