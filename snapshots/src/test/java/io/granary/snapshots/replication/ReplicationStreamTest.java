package io.granary.snapshots.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.ReadOnlyVolumeException;
import io.granary.snapshots.api.ReceiveReport;
import io.granary.snapshots.api.SendReport;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.StreamRefusedException;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.testing.TestPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots sent as streams between two pools: whole and incremental, the replica read-only and
 * equal byte for byte, a stream run again a no-op, promotion, fail-back with force.
 */
class ReplicationStreamTest {
  static final long SIZE = 16L << 20;

  @TempDir Path dir;
  TestPool a;
  TestPool b;
  final Random random = new Random(18);

  @BeforeEach
  void pools() throws Exception {
    a = new TestPool(dir.resolve("a"));
    b = new TestPool(dir.resolve("b"));
  }

  @AfterEach
  void close() throws Exception {
    a.close();
    b.close();
  }

  static byte[] send(VolumeStore from, String snapshot, String base) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SendReport r = from.send(StateRef.parse(snapshot), base, "a/" + snapshot.split("@")[0], out);
    assertEquals(out.size(), r.streamBytes());
    return out.toByteArray();
  }

  static ReceiveReport receive(VolumeStore into, String volume, byte[] stream, boolean force)
      throws Exception {
    return into.receive(volume, new ByteArrayInputStream(stream), force);
  }

  /** Writes {@code n} random blocks of random data into the volume. */
  void scribble(VolumeStore store, String volume, int n) throws Exception {
    try (Volume v = store.open(volume)) {
      byte[] block = new byte[v.blockSize()];
      for (int i = 0; i < n; i++) {
        random.nextBytes(block);
        v.write(
            (long) random.nextInt((int) (SIZE / block.length)) * block.length,
            block,
            0,
            block.length,
            false);
      }
    }
  }

  static byte[] content(VolumeStore store, StateRef state) throws Exception {
    try (Volume v =
        state.isHead()
            ? store.open(state.volume())
            : store.openSnapshot(state.volume(), state.snapshot())) {
      byte[] all = new byte[(int) v.size()];
      v.read(0, all, 0, all.length);
      return all;
    }
  }

  @Test
  void aFullThenAnIncrementalStreamMakeAnEqualReadOnlyReplica() throws Exception {
    a.volumes().create("vm", VolumeSpec.ofSize(SIZE));
    scribble(a.volumes(), "vm", 300);
    a.volumes().snapshot("vm", "s1");
    byte[] full = send(a.volumes(), "vm@s1", null);
    ReceiveReport r = receive(b.volumes(), "vm", full, false);
    assertFalse(r.alreadyReceived());
    assertEquals("s1", r.snapshot());
    assertArrayEquals(
        content(a.volumes(), StateRef.parse("vm@s1")),
        content(b.volumes(), StateRef.parse("vm@s1")));
    assertArrayEquals(
        content(a.volumes(), StateRef.parse("vm@s1")), content(b.volumes(), StateRef.head("vm")));
    assertTrue(b.volumes().info("vm").isReplica());
    assertEquals(
        "a/vm#" + a.volumes().info("vm").created().toEpochMilli(),
        b.volumes().info("vm").replicaOf());
    try (Volume v = b.volumes().open("vm")) {
      assertThrows(ReadOnlyVolumeException.class, () -> v.write(0, new byte[4096], 0, 4096, false));
    }
    assertThrows(ReadOnlyVolumeException.class, () -> b.volumes().snapshot("vm", "mine"));

    scribble(a.volumes(), "vm", 30);
    a.volumes().snapshot("vm", "s2");
    byte[] incremental = send(a.volumes(), "vm@s2", "s1");
    assertTrue(incremental.length < full.length / 5, incremental.length + " vs " + full.length);
    receive(b.volumes(), "vm", incremental, false);
    assertArrayEquals(
        content(a.volumes(), StateRef.parse("vm@s2")),
        content(b.volumes(), StateRef.parse("vm@s2")));
    assertArrayEquals(
        content(a.volumes(), StateRef.parse("vm@s1")),
        content(b.volumes(), StateRef.parse("vm@s1")));
    assertEquals(
        List.of("s1", "s2"), b.volumes().snapshots("vm").stream().map(s -> s.name()).toList());

    assertTrue(receive(b.volumes(), "vm", incremental, false).alreadyReceived(), "run again");
    assertEquals(
        List.of("s1", "s2"), b.volumes().snapshots("vm").stream().map(s -> s.name()).toList());
  }

  @Test
  void aCollectionDuringAReceiveKeepsWhatTheReceiveHolds() throws Exception {
    a.volumes().create("vm", VolumeSpec.ofSize(SIZE));
    scribble(a.volumes(), "vm", 400);
    a.volumes().snapshot("vm", "s1");
    byte[] full = send(a.volumes(), "vm@s1", null);
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch collected = new CountDownLatch(1);
    InputStream paused =
        new FilterInputStream(new ByteArrayInputStream(full)) {
          long read;

          @Override
          public int read(byte[] buf, int off, int len) throws IOException {
            if (read >= full.length / 2 && halfway.getCount() > 0) {
              halfway.countDown();
              try {
                collected.await();
              } catch (InterruptedException e) {
                throw new InterruptedIOException();
              }
            }
            int n = super.read(buf, off, (int) Math.min(len, Math.max(1, full.length / 2 - read)));
            read += Math.max(n, 0);
            return n;
          }
        };
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<ReceiveReport> receiving =
          thread.submit(() -> b.volumes().receive("vm", paused, false));
      halfway.await();
      b.volumes().collectGarbage(); // half the chunks are in, no volume names them yet
      collected.countDown();
      receiving.get();
    } finally {
      thread.shutdownNow();
    }
    assertArrayEquals(
        content(a.volumes(), StateRef.parse("vm@s1")), content(b.volumes(), StateRef.head("vm")));
  }

  @Test
  void aPromotedReplicaIsWritableAndFailsBackIncrementallyWithForce() throws Exception {
    a.volumes().create("vm", VolumeSpec.ofSize(SIZE));
    scribble(a.volumes(), "vm", 100);
    a.volumes().snapshot("vm", "s1");
    receive(b.volumes(), "vm", send(a.volumes(), "vm@s1", null), false);
    // Site a is lost: b takes over and writes.
    b.volumes().promote("vm");
    assertFalse(b.volumes().info("vm").isReplica());
    scribble(b.volumes(), "vm", 20);
    b.volumes().snapshot("vm", "s2");
    // a comes back with writes made after s1 that b never saw; b's s2 goes back to a.
    scribble(a.volumes(), "vm", 5);
    byte[] back = send(b.volumes(), "vm@s2", "s1");
    StreamRefusedException refused =
        assertThrows(StreamRefusedException.class, () -> receive(a.volumes(), "vm", back, false));
    assertTrue(refused.getMessage().contains("force"), refused.getMessage());
    receive(a.volumes(), "vm", back, true);
    assertArrayEquals(
        content(b.volumes(), StateRef.parse("vm@s2")), content(a.volumes(), StateRef.head("vm")));
    assertTrue(a.volumes().info("vm").isReplica(), "a now follows b");
  }
}
