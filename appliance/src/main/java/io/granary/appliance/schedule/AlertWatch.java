package io.granary.appliance.schedule;

import io.granary.appliance.pool.AlertLevel;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.PoolFill;
import io.granary.appliance.pool.Pools;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

/** Logs each pool's alert level when it changes: warning, critical, full, and back to ok. */
public final class AlertWatch {
  private static final System.Logger LOG = System.getLogger(AlertWatch.class.getName());

  private final Pools pools;
  private final Map<String, AlertLevel> last = new HashMap<>();

  public AlertWatch(Pools pools) {
    this.pools = pools;
  }

  public synchronized void check() {
    for (Pool p : pools.list()) {
      try {
        PoolFill u = p.fill();
        AlertLevel before = last.put(p.name(), u.alert());
        if (before != u.alert() && (before != null || u.alert() != AlertLevel.OK)) {
          LOG.log(
              u.alert() == AlertLevel.OK ? Level.INFO : Level.WARNING,
              "pool {0} is {1}: {2,number,#} of {3,number,#} bytes used ({4,number,#.#}%)",
              p.name(),
              u.alert().label(),
              u.used(),
              u.capacity(),
              100 * u.usedRatio());
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "pool {0}: cannot read its usage: {1}", p.name(), e.getMessage());
      }
    }
  }
}
