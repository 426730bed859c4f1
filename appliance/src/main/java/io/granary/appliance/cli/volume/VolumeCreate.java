package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.SizeConverter;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary volume create POOL/NAME --size 10G [--profile P]}. */
@Command(name = "create", description = "Create a thin-provisioned volume.")
public final class VolumeCreate extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME", description = "The new volume.")
  String name;

  @Option(
      names = {"-s", "--size"},
      required = true,
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Size, e.g. 10G (K, M, G, T: powers of 1024).")
  long size;

  @Option(
      names = "--profile",
      paramLabel = "PROFILE",
      description = "Profile (default: the pool's).")
  String profile;

  @Option(
      names = "--block-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Block size, a power of two from 4K to 1M (default 16K).")
  Long blockSize;

  @Option(
      names = "--codec",
      paramLabel = "CODEC",
      description = "none, lz4 or zstd:LEVEL (default lz4).")
  String codec;

  @Override
  protected String action() throws InvalidNameException {
    return "create volume " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volume(name);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", n.volume());
    body.put("size", size);
    if (profile != null) {
      body.put("profile", profile);
    }
    if (blockSize != null) {
      body.put("blockSize", blockSize);
    }
    if (codec != null) {
      body.put("codec", codec);
    }
    var v = api.post("/api/v1/pools/" + n.pool() + "/volumes", body);
    if (output().json) {
      printJson(v);
    }
  }
}
