package io.granary.appliance.cli.profile;

import io.granary.appliance.cli.SizeConverter;
import io.granary.appliance.units.Durations;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** The settings {@code profile create} and {@code profile set} take; only those given are sent. */
public final class ProfileOptions {
  @Option(
      names = "--iops",
      paramLabel = "N",
      description = "I/Os per second, reads and writes together (0: no limit).")
  Long iops;

  @Option(
      names = "--bandwidth",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Bytes per second, e.g. 100M (0: no limit).")
  Long bandwidth;

  @Option(
      names = "--burst",
      paramLabel = "N",
      description = "I/Os that may run at once after a quiet spell (default: one second's worth).")
  Long burst;

  @Option(names = "--codec", paramLabel = "CODEC", description = "none, lz4 or zstd:LEVEL.")
  String codec;

  @Option(
      names = "--dedupe",
      paramLabel = "on|off",
      description = "Share equal blocks with other volumes of the pool.")
  String dedupe;

  @Option(
      names = "--block-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Block size of new volumes, a power of two from 4K to 1M.")
  Long blockSize;

  @Option(
      names = "--snapshot-every",
      paramLabel = "DURATION",
      description = "Take automatic snapshots this often, e.g. 15m, 1h, 1d (off: none).")
  String snapshotEvery;

  @Option(
      names = "--keep",
      paramLabel = "N",
      description = "Keep the newest N automatic snapshots.")
  Integer keep;

  @Option(
      names = "--keep-for",
      paramLabel = "DURATION",
      description = "Keep automatic snapshots younger than this, e.g. 7d.")
  String keepFor;

  @Option(
      names = "--replicate-to",
      paramLabel = "REMOTE[:POOL]",
      description =
          "Replicate each volume to this remote's pool (default: default), under its own name"
              + " (off: no replication).")
  String replicateTo;

  @Option(
      names = "--replicate-every",
      paramLabel = "DURATION",
      description = "Replicate this often, e.g. 15m (a minute or more).")
  String replicateEvery;

  @Option(
      names = "--replicate-keep",
      paramLabel = "N",
      description = "Keep the newest N replication snapshots (repl-*) on each side.")
  Integer replicateKeep;

  /** The settings given, as the API's fields. */
  Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "iops", iops);
    put(m, "bandwidth", bandwidth);
    put(m, "burst", burst);
    put(m, "codec", codec);
    if (dedupe != null) {
      m.put(
          "dedupe",
          switch (dedupe.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default ->
                throw new IllegalArgumentException(
                    "--dedupe takes on or off, not '" + dedupe + "'");
          });
    }
    put(m, "blockSize", blockSize);
    if (snapshotEvery != null) {
      m.put("snapshotEverySeconds", seconds("--snapshot-every", snapshotEvery));
    }
    put(m, "keep", keep);
    if (keepFor != null) {
      m.put("keepForSeconds", seconds("--keep-for", keepFor));
    }
    if ("off".equals(replicateTo)) {
      if (replicateEvery != null || replicateKeep != null) {
        throw new IllegalArgumentException(
            "--replicate-to off takes no --replicate-every or --replicate-keep");
      }
      m.put("replicateTo", null);
      m.put("replicateEverySeconds", 0);
      m.put("replicateKeep", 0);
      return m;
    }
    put(m, "replicateTo", replicateTo);
    if (replicateEvery != null) {
      m.put("replicateEverySeconds", seconds("--replicate-every", replicateEvery));
    }
    put(m, "replicateKeep", replicateKeep);
    return m;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      if (value instanceof Number n && n.longValue() < 0) {
        throw new IllegalArgumentException(key + " cannot be negative");
      }
      m.put(key, value);
    }
  }

  private static long seconds(String option, String text) {
    if (text.equals("off") || text.equals("0")) {
      return 0;
    }
    try {
      return Durations.parse(text).getSeconds();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }
}
