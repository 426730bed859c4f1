package io.granary.snapshots.volume;

import io.granary.dedupe.api.StoreException;
import io.granary.snapshots.api.VolumeCorruptException;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeFullException;
import java.io.IOException;

/** Turns chunk store failures into the volume API's kinds, keeping the cause. */
final class StoreErrors {
  private StoreErrors() {}

  static IOException translate(IOException e, String context) {
    if (e instanceof VolumeException) {
      return e;
    }
    if (e instanceof StoreException s) {
      switch (s.kind()) {
        case NO_SPACE:
          return new VolumeFullException(context + ": the pool is full", e);
        case MISSING_CHUNK:
        case CORRUPT_CHUNK:
          return new VolumeCorruptException(context + ": " + e.getMessage(), e);
        case CLOSED:
          return new VolumeException(
              VolumeException.Kind.CLOSED, context + ": the pool is closed", e);
        default:
          break;
      }
    }
    return new VolumeException(VolumeException.Kind.IO, context + ": " + e.getMessage(), e);
  }
}
