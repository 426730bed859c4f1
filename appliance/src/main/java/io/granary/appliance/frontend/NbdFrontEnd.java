package io.granary.appliance.frontend;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.config.HostPort;
import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.NbdServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Starts the NBD listener the configuration asks for, over the appliance's exports. */
public final class NbdFrontEnd {
  private NbdFrontEnd() {}

  /** The running server, or {@code null} when NBD is off. */
  public static NbdServer start(ApplianceConfig.Nbd nbd, ExportCatalog exports) throws IOException {
    if (nbd == null) {
      return null;
    }
    List<InetSocketAddress> tcp = new ArrayList<>();
    if (nbd.listen() != null) {
      tcp.add(HostPort.parse("nbd.listen", nbd.listen()).socketAddress());
    }
    NbdServerConfig config =
        new NbdServerConfig(
            tcp,
            nbd.socket(),
            nbd.tls(),
            nbd.access(),
            nbd.ioThreads(),
            nbd.maxInFlight(),
            nbd.handshakeTimeout(),
            nbd.limits());
    return NbdServers.start(config, exports);
  }
}
