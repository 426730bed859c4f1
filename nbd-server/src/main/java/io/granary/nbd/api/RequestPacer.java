package io.granary.nbd.api;

/** STUB (being implemented on branch nbd-pacer). */
public interface RequestPacer {
  RequestPacer NONE = (write, bytes) -> 0;

  long delayNanos(boolean write, long bytes);
}
