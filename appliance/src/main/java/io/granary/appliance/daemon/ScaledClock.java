package io.granary.appliance.daemon;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that starts at the real time and runs {@code speed} times faster: lets tests see
 * hours of automatic snapshots in seconds (granaryd's hidden {@code --clock-speed}).
 */
final class ScaledClock extends Clock {
  private final Instant start = Instant.now();
  private final long startNanos = System.nanoTime();
  private final double speed;

  ScaledClock(double speed) {
    this.speed = speed;
  }

  @Override
  public Instant instant() {
    return start.plusNanos((long) ((System.nanoTime() - startNanos) * speed));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a scaled clock is always UTC");
  }
}
