package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code granary receive POOL/NAME [--force] < FILE}: a replication stream into a read-only
 * replica; nothing changes unless the whole stream is proven.
 */
@Command(
    name = "receive",
    description = {
      "Read a replication stream (from 'granary send') from standard input into a read-only"
          + " replica: a new volume, or the replica it came to before.",
      "Every chunk and the final tree are checked first; a damaged, cut or forged stream, or"
          + " one for another volume, changes nothing. Receiving the same stream again does"
          + " nothing."
    })
public final class ReceiveCommand extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME")
  String name;

  @Option(
      names = {"-F", "--force"},
      description =
          "Receive into a volume of its own that holds the stream's base snapshot (fail-back):"
              + " its writes since that snapshot are discarded and it becomes a replica.")
  boolean force;

  @Override
  protected String action() throws InvalidNameException {
    return "receive into " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volume(name);
    JsonNode r;
    try (InputStream in =
        new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 20)) {
      r =
          new StreamClient(socket())
              .upload(volumePath(n) + "/receive" + (force ? "?force" : ""), in);
    }
    if (output().json) {
      printJson(r);
    } else if (r.get("alreadyReceived").asBoolean()) {
      out.println(n + " already holds " + r.get("snapshot").asText() + ": nothing changed");
    } else {
      out.println(
          "received "
              + n
              + "@"
              + r.get("snapshot").asText()
              + " from "
              + r.get("source").asText()
              + ": "
              + r.get("chunks").asLong()
              + " chunks, "
              + output().size(r.get("streamBytes").asLong()));
    }
  }
}
