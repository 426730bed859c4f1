package io.granary.snapshots.api;

/**
 * A create, clone or growth refused because the volumes of the pool would add up to more than
 * its provisioning limit ({@link SpaceLimits#provisionLimitBytes()}); nothing was changed.
 */
public final class OverProvisionedException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public OverProvisionedException(String message) {
    super(Kind.OVER_PROVISIONED, message);
  }
}
