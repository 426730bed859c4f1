package io.granary.appliance.replication;

import io.granary.appliance.remote.RemoteClient;
import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.ChunkOracle;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A remote pool's answer to "which of these chunks do you hold?", through its admin API
 * ({@code POST /api/v1/pools/{pool}/chunks/have}: ids in, one byte each out). A long question
 * is split into batches asked several at a time, so a level of the tree costs one round trip
 * or a few, whatever its width.
 */
final class RemoteOracle implements ChunkOracle {
  /** Ids per request: 2 MiB out, 64 KiB back. */
  static final int BATCH = 1 << 16;

  private final RemoteClient client;
  private final String path;
  private final ExecutorService inFlight;
  private long questions;

  RemoteOracle(RemoteClient client, String pool, ExecutorService inFlight) {
    this.client = client;
    this.path = "/api/v1/pools/" + pool + "/chunks/have";
    this.inFlight = inFlight;
  }

  /** Requests made so far. */
  long questions() {
    return questions;
  }

  @Override
  public boolean[] have(List<ChunkId> ids) throws IOException {
    List<Future<byte[]>> batches = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += BATCH) {
      List<ChunkId> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
      batches.add(inFlight.submit(() -> ask(batch)));
      questions++;
    }
    boolean[] out = new boolean[ids.size()];
    int at = 0;
    try {
      for (Future<byte[]> f : batches) {
        for (byte b : f.get()) {
          out[at++] = b != 0;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while asking the receiver");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("asking the receiver failed: " + e.getCause(), e.getCause());
    } finally {
      batches.forEach(f -> f.cancel(true));
    }
    if (at != ids.size()) {
      throw new IOException("the receiver answered " + at + " of " + ids.size() + " questions");
    }
    return out;
  }

  private byte[] ask(List<ChunkId> batch) throws InterruptedException {
    ByteBuffer body = ByteBuffer.allocate(batch.size() * ChunkId.BYTES);
    for (ChunkId id : batch) {
      id.write(body);
    }
    try {
      byte[] answer =
          client
              .send(
                  "POST",
                  path,
                  BodyPublishers.ofByteArray(body.array()),
                  BodyHandlers.ofByteArray())
              .body();
      if (answer.length != batch.size()) {
        throw new IOException(
            "the receiver answered " + answer.length + " of " + batch.size() + " questions");
      }
      return answer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
