package io.granary.appliance.policy;

/**
 * A volume's QoS: I/Os and bytes per second (0: no limit), and the IOPS bucket's depth
 * ({@code burst}, 0: one second's worth). The bandwidth bucket holds one second's worth.
 */
public record QosLimits(long iops, long bandwidth, long burst) {
  public static final QosLimits NONE = new QosLimits(0, 0, 0);

  public boolean limited() {
    return iops > 0 || bandwidth > 0;
  }

  /** The IOPS bucket's depth in I/Os. */
  public long iopsDepth() {
    return burst > 0 ? burst : Math.max(1, iops);
  }
}
