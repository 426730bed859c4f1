package io.granary.appliance.pool;

import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Profile;
import io.granary.appliance.policy.Service;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeException.Kind;
import java.util.EnumSet;
import java.util.Set;

/** The rule between pools and profiles: a volume may only use the services its pool allows. */
final class ServiceRules {
  private ServiceRules() {}

  /**
   * Refuses {@code profile} on a volume of {@code pool} if it asks for a service not allowed.
   * The message is the reason only (the CLI says what could not be done); {@code user} names
   * the volume concerned, or is null.
   */
  static void check(String pool, PoolSettings settings, Profile profile, String user)
      throws VolumeException {
    Set<Service> missing = EnumSet.noneOf(Service.class);
    missing.addAll(profile.services());
    missing.removeAll(settings.services());
    if (!missing.isEmpty()) {
      throw new VolumeException(
          Kind.NOT_ALLOWED,
          (user == null ? "" : user + ": ")
              + "profile "
              + profile.name()
              + " uses "
              + String.join(", ", Service.labels(missing))
              + ", which pool "
              + pool
              + " does not allow (it allows: "
              + allowed(settings)
              + ")");
    }
  }

  /** Refuses an operation that needs a service the pool does not allow. */
  static void require(String pool, PoolSettings settings, Service service) throws VolumeException {
    if (!settings.allows(service)) {
      throw new VolumeException(
          Kind.NOT_ALLOWED,
          "pool "
              + pool
              + " does not allow "
              + service.label()
              + " (it allows: "
              + allowed(settings)
              + ")");
    }
  }

  private static String allowed(PoolSettings s) {
    return s.services().isEmpty() ? "nothing" : String.join(", ", Service.labels(s.services()));
  }
}
