package io.granary.snapshots.api;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * A snapshot's stream for one receiver, once the receiver has said what it holds: how many
 * chunks it lacks, and the stream of just those ({@code docs/format.md} §6), to write once.
 */
public interface SendPlan {
  /** The stream's header fields: what it brings. */
  String snapshot();

  /** Chunks (blocks and map pages) the receiver lacks. */
  long chunks();

  /** How many requests the negotiation took (one per level of the tree, or a few more). */
  int rounds();

  /** Writes the stream, telling {@code sent} the chunks written so far now and then. */
  SendReport writeTo(OutputStream out, LongConsumer sent) throws IOException;
}
