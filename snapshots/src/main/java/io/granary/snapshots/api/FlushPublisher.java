package io.granary.snapshots.api;

import java.io.IOException;

/**
 * What a FLUSH waits for on a pool whose durability is remote: every commit made before it
 * published where the pool's data lives beyond this machine (its object store's checkpoint).
 * Set with {@link VolumeStore#publishFlushes}; a FLUSH (or FUA) on such a pool commits the
 * volume's tree instead of journaling, since a journal never leaves this machine.
 */
@FunctionalInterface
public interface FlushPublisher {
  /** Returns once every commit made before the call is published; throws if it cannot be. */
  void publish() throws IOException;
}
