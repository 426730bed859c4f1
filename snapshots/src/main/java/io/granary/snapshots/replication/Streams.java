package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.snapshots.api.ChunkOracle;
import io.granary.snapshots.tree.PageStore;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The two ends of a replication stream ({@code docs/format.md} §6) over a pool's store: what
 * the volume layer calls to send a snapshot and to receive one. The volume layer owns the
 * catalog side (which volume, the rules, the switch); this package owns the bytes and the
 * proofs.
 */
public final class Streams {
  /** Judges a stream's header before any of its chunks is taken. */
  @FunctionalInterface
  public interface HeaderCheck {
    void check(StreamHeader header) throws IOException;
  }

  /** Asked before each block's chunk is stored: may refuse it (a full pool). */
  @FunctionalInterface
  public interface SpaceCheck {
    void admit(long bytes) throws IOException;
  }

  /** What a receive took: the header and the stream's counts. */
  public record Received(StreamHeader header, long chunks, long payloadBytes, long streamBytes) {}

  private Streams() {}

  /** The depth of a volume's tree. */
  public static int depth(long size, int blockSize) {
    return TreeShape.depth(Math.max(TreeShape.blocks(size, blockSize), 1));
  }

  /**
   * Writes a whole stream: BEGIN with {@code header}, the nodes of its snapshot's tree that the
   * base's tree ({@code baseDepth} deep; {@code header.baseRoot()}) lacks, END.
   *
   * @return the chunks sent and the stream's bytes
   */
  public static long[] send(
      ChunkStore store, PageStore pages, StreamHeader header, int baseDepth, OutputStream out)
      throws IOException {
    StreamWriter w = new StreamWriter(out);
    w.begin(header);
    new TreeSender(store, pages)
        .send(
            w,
            header.root(),
            depth(header.size(), header.blockSize()),
            header.base() == null ? null : header.baseRoot(),
            baseDepth);
    w.end(header.root());
    return new long[] {w.chunks(), w.bytes()};
  }

  /** What a receiver lacks of a snapshot's tree, and how many questions that took. */
  public record Plan(Set<ChunkId> wanted, int rounds) {}

  /** Asks {@code receiver}, level by level, which nodes of the header's tree it lacks. */
  public static Plan plan(PageStore pages, StreamHeader header, ChunkOracle receiver)
      throws IOException {
    Negotiation n = new Negotiation(pages, receiver);
    Set<ChunkId> wanted = n.missing(header.root(), depth(header.size(), header.blockSize()));
    return new Plan(wanted, n.rounds());
  }

  /**
   * Writes a stream of the planned nodes (post-order), for a receiver that holds the rest;
   * {@code sent} hears the chunks written so far. {@code wanted} is consumed.
   *
   * @return the chunks sent and the stream's bytes
   */
  public static long[] sendWanted(
      ChunkStore store,
      PageStore pages,
      StreamHeader header,
      Set<ChunkId> wanted,
      OutputStream out,
      LongConsumer sent)
      throws IOException {
    StreamWriter w = new StreamWriter(out);
    w.onProgress(sent);
    w.begin(header);
    new TreeSender(store, pages)
        .sendWanted(w, header.root(), depth(header.size(), header.blockSize()), wanted);
    w.end(header.root());
    sent.accept(w.chunks());
    return new long[] {w.chunks(), w.bytes()};
  }

  /**
   * Reads a whole stream into the store, {@code pins} holding what arrives; on return every
   * chunk is proven and stored, and the root is pinned. Nothing names the tree yet: see {@link
   * #verify}.
   */
  public static Received receive(
      ChunkStore store, ReceivePins pins, InputStream in, HeaderCheck accept, SpaceCheck space)
      throws IOException {
    TreeReceiver.Result r =
        new TreeReceiver(store, pins, space).receive(new StreamReader(in), accept);
    StreamHeader h = r.header();
    if (h.root() != null) {
      pins.pin(h.root(), depth(h.size(), h.blockSize()));
    }
    return new Received(h, r.chunks(), r.payloadBytes(), r.streamBytes());
  }

  /**
   * Proves the received tree whole against the volume's current tree ({@code current} null: no
   * volume yet), just before the switch.
   */
  public static void verify(
      ChunkStore store,
      PageStore pages,
      StreamHeader h,
      ChunkId current,
      int currentDepth,
      Set<ChunkId> suspects)
      throws IOException {
    new TreeCheck(store, pages, suspects)
        .verify(h.root(), depth(h.size(), h.blockSize()), current, currentDepth);
  }
}
