package io.granary.appliance.pool;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who hears of policy changes (a profile changed, a volume moved to another profile, a pool's
 * settings changed): the QoS throttles re-read their limits. A failing listener is logged and
 * does not stop the others.
 */
final class PolicyListeners {
  private static final System.Logger LOG = System.getLogger(PolicyListeners.class.getName());
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  void add(Runnable listener) {
    listeners.add(listener);
  }

  void fire() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a policy listener failed: {0}", e.toString());
      }
    }
  }
}
