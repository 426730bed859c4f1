package io.granary.nbd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.api.RequestPacer;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdRequest;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the pacer is asked for each command, and when a held request runs or is dropped, on an
 * event loop whose clock the test moves by hand.
 */
class PacingGateTest {
  private static final long DELAY = TimeUnit.MILLISECONDS.toNanos(200);

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final List<String> events = new ArrayList<>();

  @BeforeEach
  void stopTheClock() {
    channel.freezeTime();
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void readsAndWritesCostTheirLengthZeroingsOneOpAndTheRestNothing() {
    List<String> asked = new ArrayList<>();
    RequestPacer recording =
        (write, bytes) -> {
          asked.add((write ? "write " : "read ") + bytes);
          return 0;
        };
    for (NbdCommand c : NbdCommand.values()) {
      PacingGate.delayNanos(recording, request(c.code(), 65536));
    }
    PacingGate.delayNanos(recording, request(99, 4096));
    assertEquals(List.of("read 65536", "write 65536", "write 0", "write 0"), asked);
  }

  @Test
  void aRequestThePacerLetsGoRunsAtOnce() {
    PacingGate gate = gate((write, bytes) -> 0);
    gate.admit(
        request(NbdCommand.READ.code(), 4096), () -> events.add("run"), () -> events.add("drop"));
    assertEquals(List.of("run"), events);
  }

  @Test
  void aHeldRequestRunsOnceItsDelayIsOver() {
    PacingGate gate = gate((write, bytes) -> DELAY);
    gate.admit(
        request(NbdCommand.WRITE.code(), 4096), () -> events.add("run"), () -> events.add("drop"));
    channel.advanceTimeBy(DELAY - 1, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(List.of(), events);
    channel.advanceTimeBy(1, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(List.of("run"), events);
    gate.dropAll();
    assertEquals(List.of("run"), events, "a request that ran is not dropped too");
  }

  @Test
  void heldRequestsAreDroppedWhenTheConnectionClosesAndNeverRun() {
    PacingGate gate = gate((write, bytes) -> DELAY);
    for (int i = 0; i < 3; i++) {
      int n = i;
      gate.admit(
          request(NbdCommand.READ.code(), 4096),
          () -> events.add("run " + n),
          () -> events.add("drop"));
    }
    gate.dropAll();
    channel.advanceTimeBy(2 * DELAY, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(List.of("drop", "drop", "drop"), events);
  }

  @Test
  void aFlushOvertakesHeldWrites() {
    PacingGate gate = gate((write, bytes) -> DELAY);
    gate.admit(request(NbdCommand.WRITE.code(), 4096), () -> events.add("write"), () -> {});
    gate.admit(request(NbdCommand.FLUSH.code(), 0), () -> events.add("flush"), () -> {});
    channel.advanceTimeBy(DELAY, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(List.of("flush", "write"), events);
  }

  @Test
  void aPacerThatThrowsLetsEveryRequestRunAtOnce() {
    PacingGate gate =
        gate(
            (write, bytes) -> {
              throw new IllegalStateException("token bucket broken");
            });
    for (int i = 0; i < 2; i++) {
      gate.admit(
          request(NbdCommand.READ.code(), 4096), () -> events.add("run"), () -> events.add("drop"));
    }
    assertEquals(List.of("run", "run"), events);
  }

  private PacingGate gate(RequestPacer pacer) {
    return new PacingGate(pacer, channel.eventLoop(), "test/vol for a test");
  }

  private static NbdRequest request(int type, long length) {
    return new NbdRequest(0, type, 1, 0, length);
  }
}
