package io.granary.appliance.metrics;

import io.granary.appliance.config.HostPort;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.qos.Throttles;
import io.granary.appliance.replication.ReplicationLags;
import io.granary.snapshots.api.Volume;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * granaryd's Prometheus metrics (listed in {@code docs/metrics.md}), in one registry of the
 * Prometheus Java client, which also writes the exposition formats. Volumes are metered by
 * wrapping their handles ({@link #metered}); pools, volumes' throttled time and NBD
 * connections are read at scrape time; the JVM's own metrics come with the client.
 */
public final class Metrics {
  private static final System.Logger LOG = System.getLogger(Metrics.class.getName());

  /**
   * Latency buckets for one storage request, in seconds: 50 µs (a cached read) to 10 s (a
   * write that waited for the flusher under back-pressure).
   */
  private static final double[] LATENCY_BUCKETS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
    2.5, 5, 10
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final VolumeSeries volumes;
  private volatile IntSupplier nbdConnections = () -> 0;
  private volatile LongSupplier nbdRefused = () -> 0;
  private volatile LagSource replication = List::of;

  /** The volumes that replicate, read at each scrape. */
  @FunctionalInterface
  public interface LagSource {
    List<ReplicationLags.Lag> all() throws IOException;
  }

  private Metrics(Pools pools, Throttles throttles) {
    Histogram.Builder latency =
        Histogram.builder()
            .name("granary_volume_request_duration_seconds")
            .help(
                "Service time of volume requests (NBD and FUSE), without QoS waits, by pool and op")
            .labelNames("pool", "op")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS);
    latency.withoutExemplars();
    Histogram histogram = latency.build();
    registry.register(histogram);
    volumes = new VolumeSeries(pools, throttles, histogram);
    registry.register(volumes);
    registry.register(new PoolSeries(pools));
    registry.register(new ObjectStoreSeries(pools));
    registry.register(
        GaugeWithCallback.builder()
            .name("granary_nbd_connections")
            .help("NBD connections open now, in handshake or transmission")
            .callback(cb -> cb.call(nbdConnections.getAsInt()))
            .build());
    registry.register(
        CounterWithCallback.builder()
            .name("granary_nbd_connections_refused")
            .help("NBD connections closed at once, over the listener's or their client's limit")
            .callback(cb -> cb.call(nbdRefused.getAsLong()))
            .build());
    registry.register(
        GaugeWithCallback.builder()
            .name("granary_volume_replication_lag_seconds")
            .help(
                "How old the remote's newest copy of a volume is (since its creation before the"
                    + " first replication), for volumes that replicate on schedule or ever did")
            .labelNames("pool", "volume", "to")
            .callback(
                cb -> {
                  for (ReplicationLags.Lag l : lags()) {
                    if (l.lagSeconds() != null) {
                      cb.call(l.lagSeconds(), l.pool(), l.volume(), l.to());
                    }
                  }
                })
            .build());
    registry.register(
        GaugeWithCallback.builder()
            .name("granary_volume_replication_failures")
            .help("Replications of a volume that failed in a row since its last success")
            .labelNames("pool", "volume", "to")
            .callback(
                cb -> {
                  for (ReplicationLags.Lag l : lags()) {
                    cb.call(l.failures(), l.pool(), l.volume(), l.to());
                  }
                })
            .build());
    JvmMetrics.builder().register(registry);
  }

  /** None when a pool cannot be listed now: the scrape goes on without them. */
  private List<ReplicationLags.Lag> lags() {
    try {
      return replication.all();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "replication lags left out of a scrape: {0}", e.getMessage());
      return List.of();
    }
  }

  /** Where the replication series come from (none until set). */
  public void replication(LagSource lags) {
    replication = lags;
  }

  /** The metrics of {@code pools}' volumes, with their throttled time from {@code throttles}. */
  public static Metrics create(Pools pools, Throttles throttles) {
    return new Metrics(pools, throttles);
  }

  /** {@code handle} on {@code pool/volume} (or one of its snapshots), recording its I/O. */
  public Volume metered(String pool, String volume, Volume handle) {
    return new MeteredVolume(handle, volumes.meter(pool, volume));
  }

  /** Where {@code granary_nbd_connections} comes from (0 until set: NBD is off). */
  public void nbdConnections(IntSupplier connections) {
    nbdConnections = connections;
  }

  /** Where {@code granary_nbd_connections_refused_total} comes from (0 until set). */
  public void nbdRefused(LongSupplier refused) {
    nbdRefused = refused;
  }

  /** A scrape, encoded as the {@code Accept} header asks (Prometheus text by default). */
  public record Exposition(String contentType, byte[] body) {}

  public Exposition scrape(String accept) throws IOException {
    ExpositionFormatWriter writer = formats.findWriter(accept);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 << 10);
    writer.write(out, registry.scrape());
    return new Exposition(writer.getContentType(), out.toByteArray());
  }

  /**
   * Serves {@code /metrics} over plain HTTP on {@code listen}, for a Prometheus server that
   * cannot reach the admin socket. No authentication: bind it where only scrapers reach.
   */
  public Closeable listen(HostPort listen) throws IOException {
    HTTPServer server =
        HTTPServer.builder()
            .hostname(listen.host())
            .port(listen.port())
            .registry(registry)
            .buildAndStart();
    LOG.log(
        Level.INFO, "metrics on http://{0}:{1,number,#}/metrics", listen.host(), server.getPort());
    return server;
  }
}
