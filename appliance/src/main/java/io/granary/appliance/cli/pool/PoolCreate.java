package io.granary.appliance.cli.pool;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.SizeConverter;
import io.granary.snapshots.api.Names;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code granary pool create NAME --capacity SIZE [--path DIR] [--s3 URL --bucket B ...]
 * [--overcommit R] ...}.
 */
@Command(
    name = "create",
    description =
        "Create a capacity pool in a directory (on any disk), its packs there or on an "
            + "object store (--s3).")
public final class PoolCreate extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Option(
      names = "--path",
      paramLabel = "DIR",
      description = "Its directory (default DATA/pools/NAME).")
  Path path;

  @Option(
      names = "--capacity",
      required = true,
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Physical capacity: bytes stored after dedupe and compression, e.g. 2T.")
  long capacity;

  @Mixin PoolOptions settings;

  @Mixin BucketOptions bucket;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid pool name '" + name + "'");
    }
    settings.fields(capacity);
    bucket.field();
    return "create pool " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    if (path != null) {
      body.put("path", path.toAbsolutePath().toString());
    }
    body.putAll(settings.fields(capacity));
    Map<String, Object> s3 = bucket.field();
    if (s3 != null) {
      body.put("s3", s3);
    }
    var p = api.post("/api/v1/pools", body);
    if (output().json) {
      printJson(p);
    }
  }
}
