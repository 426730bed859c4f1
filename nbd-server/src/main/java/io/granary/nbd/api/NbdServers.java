package io.granary.nbd.api;

import io.granary.nbd.transport.NettyNbdServer;
import java.io.IOException;

/** Starts NBD listeners. */
public final class NbdServers {
  private NbdServers() {}

  /** Binds every configured address and serves {@code catalog} until closed. */
  public static NbdServer start(NbdServerConfig config, ExportCatalog catalog) throws IOException {
    return NettyNbdServer.start(config, catalog);
  }
}
