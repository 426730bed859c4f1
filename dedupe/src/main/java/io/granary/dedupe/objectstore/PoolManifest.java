package io.granary.dedupe.objectstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The pool's manifest ({@code docs/format.md} §5.1): the one object ever overwritten, naming
 * the newest checkpoint and the lease epoch of the appliance that published it. Text lines:
 * {@code granary-pool-manifest}, {@code version=1}, {@code checkpoint=<16 hex>}, {@code
 * epoch=<n>}. Pure encoding; the medium swaps it.
 */
record PoolManifest(String checkpoint, long epoch) {
  private static final String FIRST_LINE = "granary-pool-manifest";

  byte[] encode() {
    return (FIRST_LINE + "\nversion=1\ncheckpoint=" + checkpoint + "\nepoch=" + epoch + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The checkpoint a manifest names; {@code key} is for the error message. */
  static String checkpointOf(byte[] manifest, String key) throws IOException {
    String[] lines = new String(manifest, StandardCharsets.UTF_8).split("\n");
    if (lines.length < 3
        || !lines[0].equals(FIRST_LINE)
        || !lines[1].equals("version=1")
        || !lines[2].matches("checkpoint=[0-9a-f]{16}")) {
      throw new IOException(
          "s3 object " + key + " is not a manifest this build reads: " + lines[0]);
    }
    return lines[2].substring("checkpoint=".length());
  }

  /** Whether a manifest names {@code epoch}: only that epoch's holder writes such a one. */
  static boolean namesEpoch(byte[] manifest, long epoch) {
    return new String(manifest, StandardCharsets.UTF_8).contains("\nepoch=" + epoch + "\n");
  }
}
