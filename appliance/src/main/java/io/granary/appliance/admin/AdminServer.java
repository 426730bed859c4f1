package io.granary.appliance.admin;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.config.HostPort;
import io.granary.appliance.metrics.Metrics;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The admin API's listeners: the Unix socket in the data directory (mode 0600, or 0660 with
 * the admin group) and, when configured, a TCP listener with TLS and a bearer token. Both
 * serve the JSON API and the Prometheus metrics at {@code /metrics}.
 */
public final class AdminServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());

  private final Server server;
  private final Path socket;

  private AdminServer(Server server, Path socket) {
    this.server = server;
    this.socket = socket;
  }

  /** Serves {@code router}'s API and {@code metrics} at {@code /metrics} on every listener. */
  public static AdminServer start(ApplianceConfig config, Router router, Metrics metrics)
      throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("granary-admin");
    threads.setDaemon(true);
    Server server = new Server(threads);
    String token = null;
    if (config.adminTcp() != null) {
      token = Files.readString(config.adminTcp().tokenFile(), StandardCharsets.UTF_8).trim();
      if (token.length() < 16) {
        throw new IllegalArgumentException(
            "the admin token in "
                + config.adminTcp().tokenFile()
                + " must have at least 16 characters");
      }
      server.addConnector(tlsConnector(server, config.adminTcp()));
    }
    Path socket = config.adminSocket();
    Files.deleteIfExists(socket); // left by a crash: the daemon lock says no one else uses it
    UnixDomainServerConnector uds =
        new UnixDomainServerConnector(server, new HttpConnectionFactory());
    uds.setUnixDomainPath(socket);
    server.addConnector(uds);
    Admission admission = new Admission(new PeerAccess(config.adminGroup()), token);
    server.setHandler(
        new Handler.Sequence(
            new MetricsHandler(metrics, admission),
            new StreamHandler(router, admission),
            new ApiHandler(router, admission)));
    server.start();
    restrict(socket, config.adminGroup());
    AdminServer admin = new AdminServer(server, socket);
    LOG.log(
        Level.INFO,
        "admin API on {0}{1}",
        socket,
        config.adminTcp() == null
            ? ""
            : " and https://"
                + config.adminTcp().listen().replaceAll(":[0-9]+$", "")
                + ":"
                + admin.tlsPort());
    return admin;
  }

  private static ServerConnector tlsConnector(Server server, ApplianceConfig.AdminTcp tcp) {
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(tcp.keyStore().toString());
    tls.setKeyStorePassword(tcp.keyStorePassword());
    HttpConfiguration https = new HttpConfiguration();
    https.addCustomizer(new SecureRequestCustomizer(false));
    ServerConnector c =
        new ServerConnector(
            server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
    HostPort listen = HostPort.parse("admin.tcp", tcp.listen());
    c.setHost(listen.host());
    c.setPort(listen.port());
    return c;
  }

  private static void restrict(Path socket, String group) throws IOException {
    if (group == null) {
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      return;
    }
    GroupPrincipal g =
        socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
    Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(g);
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
  }

  /** The TCP port the TLS listener got (for tests that ask for port 0), or -1. */
  public int tlsPort() {
    for (var c : server.getConnectors()) {
      if (c instanceof ServerConnector s) {
        return s.getLocalPort();
      }
    }
    return -1;
  }

  /** Stops accepting and answers the calls in progress. */
  @Override
  public void close() throws Exception {
    server.stop();
    Files.deleteIfExists(socket);
  }
}
