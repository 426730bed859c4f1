package io.granary.appliance.admin;

import io.granary.appliance.policy.Service;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Provisioning;
import io.granary.dedupe.api.CodecSpec;
import io.granary.snapshots.api.VolumeSpec;
import java.io.IOException;

/**
 * The spec of a volume a request creates: its profile's (the pool's default unless the
 * request names one), with the block size and codec the request may set for this volume.
 */
final class VolumeSpecs {
  private VolumeSpecs() {}

  static VolumeSpec of(Provisioning provisioning, Pool pool, long size, ApiRequest q)
      throws IOException {
    if (size < 0) {
      throw new ProblemException(Problem.INVALID, "a volume size cannot be negative");
    }
    VolumeSpec p = provisioning.newVolume(pool, size, q.text("profile", null));
    VolumeSpec spec;
    try {
      spec =
          new VolumeSpec(
              size,
              (int) q.number("blockSize", p.blockSize()),
              q.text("codec", p.codec()),
              p.profile(),
              p.dedupe());
      if (!CodecSpec.parse(spec.codec()).equals(CodecSpec.NONE)) {
        provisioning.require(pool, Service.COMPRESSION);
      }
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.INVALID, e.getMessage());
    }
    return spec;
  }
}
