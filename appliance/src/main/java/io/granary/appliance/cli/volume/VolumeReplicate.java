package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.TaskFollower;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary volume replicate POOL/NAME --to REMOTE[:POOL[/NAME]]}: a task. */
@Command(
    name = "replicate",
    description = {
      "Replicate a snapshot of a volume to a remote appliance (see 'granary remote'), as a"
          + " read-only replica there.",
      "Only chunks the remote's pool lacks travel, compressed as stored; a cut link is retried"
          + " and resumes where it stopped."
    })
public final class VolumeReplicate extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME")
  String name;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "REMOTE[:POOL[/NAME]]",
      description = "The remote, and its pool (default) and volume (the same name) to write.")
  String to;

  @Option(
      names = "--snapshot",
      paramLabel = "SNAP",
      description = "The snapshot to send (default: a new one, repl-TIME, taken now).")
  String snapshot;

  @Option(
      names = {"-F", "--force"},
      description =
          "Write into a volume of its own there that holds an older snapshot of this one"
              + " (fail-back): its writes since that snapshot are discarded.")
  boolean force;

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean quiet;

  @Override
  protected String action() throws InvalidNameException {
    return "replicate " + volume(name) + " to " + to;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volume(name);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("to", to);
    if (snapshot != null) {
      body.put("snapshot", snapshot);
    }
    if (force) {
      body.put("force", true);
    }
    var done = new TaskFollower(api, quiet).follow(api.post(volumePath(n) + "/replicate", body));
    var r = done.get("result");
    if (output().json) {
      printJson(r);
    } else {
      out.println(
          "replicated "
              + r.get("volume").asText()
              + "@"
              + r.get("snapshot").asText()
              + " to "
              + r.get("to").asText()
              + ": "
              + r.get("chunks").asLong()
              + " chunks, "
              + output().size(r.get("streamBytes").asLong())
              + " in "
              + r.get("rounds").asInt()
              + " questions, "
              + r.get("attempts").asInt()
              + " attempts, "
              + String.format("%.1f s", r.get("seconds").asDouble()));
    }
  }
}
