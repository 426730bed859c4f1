package io.granary.snapshots.replication;

import static io.granary.snapshots.replication.ReplicationStreamTest.SIZE;
import static io.granary.snapshots.replication.ReplicationStreamTest.content;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.ReceiveReport;
import io.granary.snapshots.api.SendPlan;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.StreamRefusedException;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.testing.TestPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends planned by asking the receiver what it holds: chunks it holds from any volume are not
 * sent, questions grow with the tree's depth, and a cut send resumes by asking again.
 */
class NegotiatedSendTest {
  @TempDir Path dir;
  TestPool a;
  TestPool b;

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

  private static void write(VolumeStore store, String volume, long seed, int blocks)
      throws Exception {
    Random random = new Random(seed);
    try (Volume v = store.open(volume)) {
      byte[] block = new byte[v.blockSize()];
      for (int i = 0; i < blocks; i++) {
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

  private SendPlan plan(String snapshot, String target) throws Exception {
    return a.volumes().planSend(StateRef.parse(snapshot), null, "a/" + target, b.volumes()::have);
  }

  private static byte[] stream(SendPlan plan) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    plan.writeTo(out, n -> {});
    return out.toByteArray();
  }

  private ReceiveReport receive(String volume, byte[] stream) throws Exception {
    return b.volumes().receive(volume, new ByteArrayInputStream(stream), false);
  }

  @Test
  void aCloneOfAReplicatedTemplateCostsOnlyItsChanges() throws Exception {
    a.volumes().create("gold", VolumeSpec.ofSize(SIZE));
    write(a.volumes(), "gold", 1, 200);
    a.volumes().snapshot("gold", "v1");
    SendPlan first = plan("gold@v1", "gold");
    assertTrue(first.chunks() >= 150, first.chunks() + " chunks (200 random writes, some overlap)");
    assertEquals(3, first.rounds(), "root, leaf pages, blocks: the tree's depth + 1");
    receive("gold", stream(first));

    a.volumes().clone("gold", "v1", "vm1");
    write(a.volumes(), "vm1", 2, 10);
    a.volumes().snapshot("vm1", "s1");
    SendPlan clone = plan("vm1@s1", "vm1");
    assertTrue(
        clone.chunks() <= 10 + 2 + 1, "10 blocks, 2 leaf pages, the root: " + clone.chunks());
    receive("vm1", stream(clone));
    assertArrayEquals(
        content(a.volumes(), StateRef.parse("vm1@s1")),
        content(b.volumes(), StateRef.parse("vm1@s1")));

    SendPlan nothing = plan("vm1@s1", "vm1");
    assertEquals(0, nothing.chunks());
    assertEquals(1, nothing.rounds(), "the root is there: one question");
    assertTrue(receive("vm1", stream(nothing)).alreadyReceived());
  }

  @Test
  void aCutSendResumesByAskingAgainAndSendsOnlyWhatDidNotArrive() throws Exception {
    a.volumes().create("vm", VolumeSpec.ofSize(SIZE));
    write(a.volumes(), "vm", 3, 600);
    a.volumes().snapshot("vm", "s1");
    SendPlan whole = plan("vm@s1", "vm");
    byte[] stream = stream(whole);
    byte[] cut = Arrays.copyOf(stream, stream.length * 2 / 3);
    assertThrows(StreamRefusedException.class, () -> receive("vm", cut));
    SendPlan rest = plan("vm@s1", "vm");
    long arrived = whole.chunks() - rest.chunks();
    assertTrue(
        arrived > whole.chunks() / 2,
        "most of the first two thirds stayed: " + arrived + " of " + whole.chunks());
    receive("vm", stream(rest));
    assertArrayEquals(
        content(a.volumes(), StateRef.parse("vm@s1")), content(b.volumes(), StateRef.head("vm")));
  }
}
