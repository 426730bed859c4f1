package io.granary.appliance.cli.pool;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.TaskFollower;
import io.granary.snapshots.api.Names;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code granary pool attach NAME --s3 URL --bucket B [--prefix P] ... [--path DIR]
 * [--take-over | --read-only]}.
 */
@Command(
    name = "attach",
    description =
        "Serve again a pool whose packs and checkpoints are on an object store (on a new "
            + "appliance, from the bucket alone).")
public final class PoolAttach extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Option(
      names = "--path",
      paramLabel = "DIR",
      description = "Its directory, absent or empty (default DATA/pools/NAME).")
  Path path;

  @Mixin BucketOptions bucket;

  @Option(
      names = "--take-over",
      description =
          "Take the pool from an appliance whose lease lapsed without being released (it crashed"
              + " or is cut off): only once you know it no longer writes.")
  boolean takeOver;

  @Option(
      names = "--read-only",
      description =
          "Serve its volumes and snapshots read-only without taking its lease, beside the"
              + " appliance that writes it (a second site, a recovery test).")
  boolean readOnly;

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean quiet;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid pool name '" + name + "'");
    }
    if (bucket.field() == null) {
      throw new IllegalArgumentException("attach needs --s3 URL and --bucket");
    }
    return "attach pool " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("attach", true);
    if (path != null) {
      body.put("path", path.toAbsolutePath().toString());
    }
    body.put("s3", bucket.field());
    if (takeOver) {
      body.put("takeOver", true);
    }
    if (readOnly) {
      body.put("readOnly", true);
    }
    var p = new TaskFollower(api, quiet).follow(api.post("/api/v1/pools", body)).get("result");
    if (output().json) {
      printJson(p);
    } else {
      out.println(
          "attached pool "
              + name
              + " from "
              + p.get("objectStore").get("url").asText()
              + ": "
              + p.get("volumes").asInt()
              + " volumes"
              + (readOnly ? ", read-only" : ""));
    }
  }
}
