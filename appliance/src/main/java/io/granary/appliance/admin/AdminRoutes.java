package io.granary.appliance.admin;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.fuse.api.FuseMount;
import io.granary.nbd.api.NbdServer;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.task.Tasks;

/** Every route of {@code docs/api.md}, in one router. */
public final class AdminRoutes {
  private AdminRoutes() {}

  public static Router build(ApplianceConfig config, Pools pools, Tasks tasks, NbdServer nbd,
      FuseMount mount, String version) {
    Router r = new Router();
    new PoolRoutes(pools, tasks, config.data()).register(r);
    new VolumeRoutes(pools, tasks).register(r);
    new ProfileRoutes(pools).register(r);
    new MiscRoutes(pools, tasks, config, nbd, mount, version).register(r);
    return r;
  }
}
