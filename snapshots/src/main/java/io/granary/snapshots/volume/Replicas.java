package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.ChunkOracle;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.ReceiveReport;
import io.granary.snapshots.api.SendPlan;
import io.granary.snapshots.api.SendReport;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.replication.ReceivePins;
import io.granary.snapshots.replication.ReceiveRules;
import io.granary.snapshots.replication.StreamHeader;
import io.granary.snapshots.replication.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A pool's end of replication streams: sends a snapshot (whole, or from an older one), and
 * receives one into a replica in steps: judge the header, take and prove every chunk (pinned
 * against collection meanwhile), prove the tree whole, make it durable, then the one atomic
 * switch. A refused or broken stream changes no volume; the chunks it left are garbage for the
 * next collection, or found again by the next receive.
 */
final class Replicas {
  private final VolumeContext ctx;
  private final VolumeNamespace names;
  private final OpenVolumes open;

  Replicas(VolumeContext ctx, VolumeNamespace names, OpenVolumes open) {
    this.ctx = ctx;
    this.names = names;
    this.open = open;
  }

  /**
   * Which of {@code ids} this pool holds, a page only with its whole subtree: present, and not
   * suspect. Asks the index, touching nothing: the receive's own checks protect what it uses.
   */
  boolean[] have(List<ChunkId> ids) throws IOException {
    boolean[] out = new boolean[ids.size()];
    for (int i = 0; i < out.length; i++) {
      ChunkId id = ids.get(i);
      out[i] = !ctx.suspectPages.contains(id) && ctx.store.contains(id);
    }
    return out;
  }

  /** The stream of a snapshot for a receiver that holds part of it, after asking it what. */
  SendPlan plan(StateRef snapshot, String base, String source, ChunkOracle receiver)
      throws IOException {
    StreamHeader h = outgoing(snapshot, base, source).header();
    Streams.Plan plan = Streams.plan(ctx.pages, h, receiver);
    long chunks = plan.wanted().size();
    return new SendPlan() {
      @Override
      public String snapshot() {
        return h.snapshot();
      }

      @Override
      public long chunks() {
        return chunks;
      }

      @Override
      public int rounds() {
        return plan.rounds();
      }

      @Override
      public SendReport writeTo(OutputStream out, LongConsumer sent) throws IOException {
        long[] r = Streams.sendWanted(ctx.store, ctx.pages, h, plan.wanted(), out, sent);
        return new SendReport(h.snapshot(), base, r[0], r[1]);
      }
    };
  }

  /** A stream's header, and the depth of its base's tree (0 for a whole stream). */
  private record Outgoing(StreamHeader header, int baseDepth) {}

  private Outgoing outgoing(StateRef snapshot, String base, String source) throws IOException {
    if (snapshot.isHead()) {
      throw new VolumeException(
          VolumeException.Kind.INVALID, "send a snapshot, not a volume: " + snapshot);
    }
    VolumeRecord r = names.requireVolume(snapshot.volume());
    SnapshotRecord s = names.requireSnapshot(r, snapshot.snapshot());
    SnapshotRecord b = base == null ? null : names.requireSnapshot(r, base);
    return new Outgoing(
        new StreamHeader(
            source,
            r.createdMillis(),
            s.name(),
            s.createdMillis(),
            s.size(),
            s.blockSize(),
            s.root(),
            base,
            b == null ? null : b.root(),
            r.codec(),
            r.dedupe()),
        b == null ? 0 : Streams.depth(b.size(), b.blockSize()));
  }

  SendReport send(StateRef snapshot, String base, String source, OutputStream out)
      throws IOException {
    Outgoing o = outgoing(snapshot, base, source);
    long[] sent = Streams.send(ctx.store, ctx.pages, o.header(), o.baseDepth(), out);
    return new SendReport(o.header().snapshot(), base, sent[0], sent[1]);
  }

  ReceiveReport receive(String volume, InputStream in, boolean force) throws IOException {
    Names.check("volume", volume);
    ReceivePins pins = new ReceivePins();
    ctx.receiving.add(pins);
    try {
      Streams.Received got =
          Streams.receive(
              ctx.store,
              pins,
              in,
              h -> names.judgeReceive(volume, h, force),
              bytes -> {
                ctx.space.refreshIfStale();
                ctx.space.admit(0, bytes);
              });
      StreamHeader h = got.header();
      VolumeRecord current = ctx.catalog.volume(volume);
      if (current != null) {
        VolumeEngine e = open.get(current.id());
        current = e != null ? e.record() : current;
      }
      Streams.verify(
          ctx.store,
          ctx.pages,
          h,
          current == null ? null : current.root(),
          current == null ? 0 : Streams.depth(current.size(), current.blockSize()),
          ctx.suspectPages);
      ctx.store.sync(); // every chunk durable before a catalog row names them
      ReceiveRules.Outcome outcome = names.adoptReplica(volume, h, force);
      return new ReceiveReport(
          volume,
          h.snapshot(),
          h.source(),
          got.chunks(),
          got.payloadBytes(),
          got.streamBytes(),
          outcome == ReceiveRules.Outcome.ALREADY_RECEIVED);
    } catch (IOException | RuntimeException e) {
      try {
        ctx.store.sync(); // what came is kept: the next negotiation finds it and skips it
      } catch (IOException | RuntimeException ignored) {
        e.addSuppressed(ignored);
      }
      throw e;
    } finally {
      ctx.receiving.remove(pins);
    }
  }
}
