package io.granary.appliance.admin;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.remote.Remotes;
import io.granary.appliance.replication.ReplicationLags;
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
      Replicator replicator,
      ReplicationLags lags,
      String version) {
    Remotes remotes = replicator.remotes();
    Router r = new Router();
    new PoolRoutes(provisioning, tasks, config.data()).register(r);
    new VolumeRoutes(provisioning, tasks).register(r);
    new ProfileRoutes(provisioning, remotes).register(r);
    new ReplicationRoutes(provisioning, tasks, replicator, lags).register(r);
    new RemoteRoutes(remotes, Clock.systemUTC()).register(r);
    new MiscRoutes(provisioning.pools(), tasks, lags, config, nbd, mount, version).register(r);
    return r;
  }
}
