package io.granary.appliance.cli.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code granary snapshot diff POOL/NAME@OLDER POOL/NAME@SNAP}: the byte ranges whose content
 * differs, which is what {@code qemu:dirty-bitmap:OLDER} on the export {@code POOL/NAME@SNAP}
 * marks dirty; {@code --map} prints it the way {@code nbdinfo --map} does.
 */
@Command(
    name = "diff",
    description = {
      "Show the byte ranges whose content differs between two states of a pool's volumes"
          + " (snapshots, or a volume's current state).",
      "A block rewritten with the same bytes, or a hole trimmed again, is unchanged."
    })
public final class SnapshotDiff extends ApiCommand {
  @Parameters(index = "0", paramLabel = "POOL/NAME@OLDER")
  String from;

  @Parameters(index = "1", paramLabel = "POOL/NAME[@SNAP]")
  String to;

  @Option(
      names = "--map",
      description =
          "Print the whole of the newer state as 'nbdinfo --map=qemu:dirty-bitmap:OLDER'"
              + " prints it: offset, length, 0 clean or 1 dirty.")
  boolean map;

  @Override
  protected String action() throws InvalidNameException {
    return "diff " + volumeOrSnapshot(from) + " and " + volumeOrSnapshot(to);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef a = volumeOrSnapshot(from);
    VolumeRef b = volumeOrSnapshot(to);
    if (!a.pool().equals(b.pool())) {
      throw new IllegalArgumentException(
          "both states must be in one pool (" + a.pool() + " and " + b.pool() + ")");
    }
    JsonNode diff =
        api.get(
            "/api/v1/pools/"
                + a.pool()
                + "/diff?from="
                + URLEncoder.encode(a.state().toString(), StandardCharsets.UTF_8)
                + "&to="
                + URLEncoder.encode(b.state().toString(), StandardCharsets.UTF_8));
    if (output().json) {
      printJson(diff);
    } else if (map) {
      printMap(diff);
    } else {
      Table t = new Table("OFFSET", "LENGTH");
      for (JsonNode r : diff.get("changed")) {
        t.row(String.valueOf(r.get("offset").asLong()), output().size(r.get("length").asLong()));
      }
      t.print(out, output().scripted);
    }
  }

  /** Clean and dirty runs over the whole state, in nbdinfo's format. */
  private void printMap(JsonNode diff) {
    long pos = 0;
    for (JsonNode r : diff.get("changed")) {
      long offset = r.get("offset").asLong();
      long length = r.get("length").asLong();
      if (offset > pos) {
        line(pos, offset - pos, false);
      }
      line(offset, length, true);
      pos = offset + length;
    }
    long size = diff.get("size").asLong();
    if (pos < size) {
      line(pos, size - pos, false);
    }
  }

  private void line(long offset, long length, boolean dirty) {
    out.printf("%10d  %10d  %3d  %s%n", offset, length, dirty ? 1 : 0, dirty ? "dirty" : "clean");
  }
}
