package io.granary.dedupe.api;

/** Receives progress of long operations (scrub, gc); {@code total} is -1 when unknown. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (phase, done, total) -> {};

  void progress(String phase, long done, long total);
}
