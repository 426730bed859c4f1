package io.granary.fuse.api;

import java.nio.file.Path;

/** A mounted namespace. Closing unmounts it and waits until the kernel has let go. */
public interface FuseMount extends AutoCloseable {
  Path mountPoint();

  @Override
  void close();
}
