package io.granary.appliance.admin;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.remote.Remotes;
import io.granary.appliance.replication.Replicator;
import io.granary.appliance.task.Tasks;
import io.granary.fuse.api.FuseMount;
import io.granary.nbd.api.NbdServer;
import java.time.Clock;

/** Every route of {@code docs/api.md}, in one router. */
public final class AdminRoutes {
  private AdminRoutes() {}

  public static Router build(
      ApplianceConfig config,
      Provisioning provisioning,
      Tasks tasks,
      NbdServer nbd,
      FuseMount mount,
      Remotes remotes,
      String version) {
    Router r = new Router();
    new PoolRoutes(provisioning, tasks, config.data()).register(r);
    new VolumeRoutes(provisioning, tasks).register(r);
    new ProfileRoutes(provisioning).register(r);
    new ReplicationRoutes(provisioning, tasks, new Replicator(remotes, Clock.systemUTC()))
        .register(r);
    new RemoteRoutes(remotes, Clock.systemUTC()).register(r);
    new MiscRoutes(provisioning.pools(), tasks, config, nbd, mount, version).register(r);
    return r;
  }
}
