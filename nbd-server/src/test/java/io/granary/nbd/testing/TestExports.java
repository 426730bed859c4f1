package io.granary.nbd.testing;

import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.NbdServers;
import io.granary.nbd.api.RequestPacer;
import io.granary.nbd.api.StatusMap;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.testing.TestPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * One pool named {@code test} (a {@link TestPool}), exported the way the appliance does:
 * {@code test/VOLUME} and {@code test/VOLUME@SNAP}. Starts NBD servers over it for tests, and
 * paces or wraps the exports a test asks it to.
 */
public final class TestExports implements ExportCatalog, AutoCloseable {
  public static final String POOL = "test";

  private final TestPool pool;
  private final List<NbdServer> servers = new ArrayList<>();
  private final Map<String, RequestPacer> pacers = new ConcurrentHashMap<>();
  private final Map<String, UnaryOperator<Volume>> wrappers = new ConcurrentHashMap<>();
  private final Map<String, Map<String, StatusMap>> contexts = new ConcurrentHashMap<>();

  /** The pool in {@code dir} with default settings. */
  public TestExports(Path dir) throws IOException {
    this(new TestPool(dir));
  }

  /** Over {@code pool} (tuned, or on a faulty medium); closes it when closed. */
  public TestExports(TestPool pool) {
    this.pool = pool;
  }

  public TestPool pool() {
    return pool;
  }

  public VolumeStore volumes() {
    return pool.volumes();
  }

  /** Creates {@code test/NAME}. */
  public String create(String name, long size) throws IOException {
    volumes().create(name, VolumeSpec.ofSize(size));
    return POOL + "/" + name;
  }

  /** Paces connections to {@code export} that start transmission from now on. */
  public void pace(String export, RequestPacer pacer) {
    pacers.put(export, pacer);
  }

  /** Passes every handle on {@code export} opened from now on through {@code wrapper}. */
  public void wrap(String export, UnaryOperator<Volume> wrapper) {
    wrappers.put(export, wrapper);
  }

  /** Offers the metadata context {@code name} on {@code export}, with {@code map} behind it. */
  public void offer(String export, String name, StatusMap map) {
    contexts.computeIfAbsent(export, e -> new LinkedHashMap<>()).put(name, map);
  }

  /** Stops offering {@code name} on {@code export}. */
  public void withdraw(String export, String name) {
    contexts.getOrDefault(export, Map.of()).remove(name);
  }

  @Override
  public List<String> metaContexts(String name) {
    return List.copyOf(contexts.getOrDefault(name, Map.of()).keySet());
  }

  @Override
  public StatusMap statusMap(String name, String context, Volume volume) {
    StatusMap map = contexts.getOrDefault(name, Map.of()).get(context);
    if (map == null) {
      throw new NoSuchElementException(name + " has no meta context " + context);
    }
    return map;
  }

  /** A server on a free loopback port with {@code config}'s other settings. */
  public NbdServer serve(NbdServerConfig config) throws IOException {
    NbdServer s = NbdServers.start(config, this);
    servers.add(s);
    return s;
  }

  public NbdServer serve() throws IOException {
    return serve(NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0)));
  }

  /** {@code nbd://127.0.0.1:PORT/EXPORT} for the first TCP address of {@code server}. */
  public static String uri(NbdServer server, String export) {
    return "nbd://127.0.0.1:" + port(server) + "/" + export;
  }

  public static int port(NbdServer server) {
    return ((InetSocketAddress) server.addresses().get(0)).getPort();
  }

  @Override
  public List<ExportInfo> list() throws IOException {
    List<ExportInfo> out = new ArrayList<>();
    for (VolumeInfo v : volumes().list()) {
      out.add(info(v, null));
      for (SnapshotInfo s : volumes().snapshots(v.name())) {
        out.add(info(v, s));
      }
    }
    return out;
  }

  @Override
  public Optional<ExportInfo> describe(String name) throws IOException {
    String local = local(name);
    if (local == null) {
      return Optional.empty();
    }
    int at = local.indexOf('@');
    try {
      VolumeInfo v = volumes().info(at < 0 ? local : local.substring(0, at));
      if (at < 0) {
        return Optional.of(info(v, null));
      }
      String snap = local.substring(at + 1);
      return volumes().snapshots(v.name()).stream()
          .filter(s -> s.name().equals(snap))
          .findFirst()
          .map(s -> info(v, s));
    } catch (NoSuchVolumeException e) {
      return Optional.empty();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  @Override
  public Volume open(String name) throws IOException {
    String local = local(name);
    if (local == null) {
      throw new NoSuchVolumeException(name);
    }
    int at = local.indexOf('@');
    Volume v =
        at < 0
            ? volumes().open(local)
            : volumes().openSnapshot(local.substring(0, at), local.substring(at + 1));
    return wrappers.getOrDefault(name, UnaryOperator.identity()).apply(v);
  }

  @Override
  public RequestPacer pacer(String name) {
    return pacers.getOrDefault(name, RequestPacer.NONE);
  }

  private static String local(String name) {
    return name.startsWith(POOL + "/") ? name.substring(POOL.length() + 1) : null;
  }

  private static ExportInfo info(VolumeInfo v, SnapshotInfo s) {
    if (s == null) {
      return new ExportInfo(
          POOL + "/" + v.name(), "volume " + v.name(), v.size(), v.blockSize(), false);
    }
    return new ExportInfo(
        POOL + "/" + v.name() + "@" + s.name(),
        "snapshot " + s.name() + " of " + v.name(),
        s.size(),
        v.blockSize(),
        true);
  }

  @Override
  public void close() throws IOException {
    for (NbdServer s : servers) {
      s.close();
    }
    pool.close();
  }
}
