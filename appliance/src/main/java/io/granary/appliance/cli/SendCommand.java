package io.granary.appliance.cli;

import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.VolumeRef;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code granary send POOL/NAME@SNAP [--from BASE] > FILE}: a snapshot as a replication stream
 * on standard output ({@code docs/format.md} §6), for {@code granary receive} on another
 * appliance, for sites with no link, and for tape.
 */
@Command(
    name = "send",
    description = {
      "Write a snapshot as a replication stream to standard output, whole or with only what"
          + " changed since an older snapshot (--from).",
      "Receive it with 'granary receive POOL/NAME < FILE'. The stream is versioned and"
          + " checksummed: a receiver refuses one that is damaged, cut short or forged."
    })
public final class SendCommand extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME@SNAP")
  String name;

  @Option(
      names = {"-i", "--from"},
      paramLabel = "BASE",
      description = "An older snapshot of the same volume the receiver holds: send only changes.")
  String from;

  @Override
  protected String action() throws InvalidNameException {
    return "send " + snapshot(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = snapshot(name);
    String base =
        from == null ? null : Names.checkSnapshot(from.startsWith("@") ? from.substring(1) : from);
    if (System.console() != null) {
      throw new IllegalArgumentException(
          "the stream is binary: redirect standard output to a file or a pipe");
    }
    String target =
        volumePath(n)
            + "/snapshots/"
            + n.snapshot()
            + "/stream"
            + (base == null ? "" : "?from=" + URLEncoder.encode(base, StandardCharsets.UTF_8));
    try (OutputStream out =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20)) {
      new StreamClient(socket()).download(target, out);
    }
  }
}
