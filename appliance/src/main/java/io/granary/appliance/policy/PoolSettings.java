package io.granary.appliance.policy;

import java.util.EnumSet;
import java.util.Set;

/**
 * A capacity pool's policy: its physical capacity in stored bytes (0: the size of the file
 * system it lives on), the overcommit ratio (volume sizes may total capacity × ratio), the
 * warning and critical thresholds in percent of capacity, the services its volumes may use,
 * and the default profile of new volumes.
 */
public record PoolSettings(
    long capacity,
    double overcommit,
    int warnPercent,
    int criticalPercent,
    Set<Service> services,
    String profile) {

  public static final double DEFAULT_OVERCOMMIT = 4;
  public static final int DEFAULT_WARN = 80;
  public static final int DEFAULT_CRITICAL = 90;

  public PoolSettings {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity cannot be negative");
    }
    if (!(overcommit >= 1) || overcommit > 1000) {
      throw new IllegalArgumentException(
          "overcommit must be a ratio from 1 to 1000, not " + overcommit);
    }
    if (warnPercent < 1 || warnPercent > 100 || criticalPercent < 1 || criticalPercent > 100) {
      throw new IllegalArgumentException("thresholds are percentages from 1 to 100");
    }
    if (warnPercent > criticalPercent) {
      throw new IllegalArgumentException(
          "the warning threshold ("
              + warnPercent
              + "%) cannot be above the critical one ("
              + criticalPercent
              + "%)");
    }
    services = services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
    profile = profile == null ? Profile.DEFAULT : profile;
  }

  /** Capacity of the file system, overcommit 4, 80 % and 90 %, every service, the default profile. */
  public static PoolSettings defaults() {
    return new PoolSettings(
        0,
        DEFAULT_OVERCOMMIT,
        DEFAULT_WARN,
        DEFAULT_CRITICAL,
        EnumSet.allOf(Service.class),
        Profile.DEFAULT);
  }

  public boolean allows(Service s) {
    return services.contains(s);
  }

  public PoolSettings withCapacity(long c) {
    return new PoolSettings(c, overcommit, warnPercent, criticalPercent, services, profile);
  }

  public PoolSettings withOvercommit(double o) {
    return new PoolSettings(capacity, o, warnPercent, criticalPercent, services, profile);
  }

  public PoolSettings withThresholds(int warn, int critical) {
    return new PoolSettings(capacity, overcommit, warn, critical, services, profile);
  }

  public PoolSettings withServices(Set<Service> s) {
    return new PoolSettings(capacity, overcommit, warnPercent, criticalPercent, s, profile);
  }

  public PoolSettings withProfile(String p) {
    return new PoolSettings(capacity, overcommit, warnPercent, criticalPercent, services, p);
  }
}
