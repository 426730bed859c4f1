package io.granary.nbd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window's two bounds, the order requests start in, and when reading pauses and resumes. */
class InFlightWindowTest {
  private static final long ENOUGH_BYTES = 1L << 40;

  @Test
  void requestsStartInArrivalOrderAndNeverMoreThanTheBound() {
    InFlightWindow w = new InFlightWindow(3, ENOUGH_BYTES);
    List<Frame.Request> frames = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      frames.add(read(i, 512));
      w.add(frames.get(i));
    }
    assertSame(frames.get(0), w.next());
    assertSame(frames.get(1), w.next());
    assertSame(frames.get(2), w.next());
    assertNull(w.next(), "a fourth while three are in flight");
    assertEquals(3, w.inFlight());
    w.done(frames.get(1).request());
    assertSame(frames.get(3), w.next());
    assertNull(w.next());
  }

  @Test
  void readingPausesAtTheRequestBoundAndResumesAtHalfWithNothingWaiting() {
    InFlightWindow w = new InFlightWindow(4, ENOUGH_BYTES);
    List<Frame.Request> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      w.add(read(i, 512));
      started.add(w.next());
      assertTrue(w.readable(), "below the bound after " + (i + 1));
    }
    w.add(read(3, 512));
    started.add(w.next());
    assertFalse(w.readable(), "at the bound");
    w.add(read(4, 512));
    assertNull(w.next());

    w.done(started.remove(0).request());
    assertFalse(w.readable(), "three in flight and one waiting");
    started.add(w.next());
    w.done(started.remove(0).request());
    assertFalse(w.readable(), "three in flight is more than half");
    w.done(started.remove(0).request());
    assertTrue(w.readable(), "two in flight is half, and nothing waits");
    w.add(read(5, 512));
    started.add(w.next());
    assertTrue(w.readable(), "three in flight again: reading goes on up to the bound");
  }

  @Test
  void aWaitingRequestKeepsReadingPausedEvenWithFewInFlight() {
    InFlightWindow w = new InFlightWindow(2, ENOUGH_BYTES);
    Frame.Request a = read(1, 512);
    Frame.Request b = read(2, 512);
    w.add(a);
    w.add(b);
    w.add(read(3, 512));
    w.next();
    w.next();
    assertFalse(w.readable());
    w.done(a.request());
    w.done(b.request());
    assertFalse(w.readable(), "none in flight but one still waits");
    w.next();
    assertTrue(w.readable());
  }

  @Test
  void readingPausesPastTheByteBoundAndResumesAtHalf() {
    long write = InFlightWindow.cost(write(0, 1 << 20).request());
    InFlightWindow w = new InFlightWindow(1000, 4 * write);
    List<Frame.Request> started = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      w.add(write(i, 1 << 20));
      Frame.Request f = w.next();
      if (f != null) {
        started.add(f);
      }
    }
    assertEquals(4, started.size(), "the fifth write waits for room");
    assertFalse(w.readable(), "five writes are past a budget of four");
    w.done(started.remove(0).request());
    started.add(w.next());
    w.done(started.remove(0).request());
    assertFalse(w.readable(), "three writes are more than half");
    w.done(started.remove(0).request());
    assertTrue(w.readable(), "two writes are half");
  }

  @Test
  void largeReadsReadAtOnceStartOnlyAsTheBudgetAllows() {
    InFlightWindow w = new InFlightWindow(256, 32L << 20);
    List<Frame.Request> reads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      reads.add(read(i, 32 << 20));
      w.add(reads.get(i));
    }
    assertSame(reads.get(0), w.next(), "the oldest starts when nothing is in flight");
    assertNull(w.next(), "a second 32 MiB buffer would pass the 32 MiB budget");
    w.done(reads.get(0).request());
    assertSame(reads.get(1), w.next());
    assertNull(w.next());
    w.done(reads.get(1).request());
    assertSame(reads.get(2), w.next());
    w.done(reads.get(2).request());
    assertTrue(w.idle());
  }

  @Test
  void aWaitingRequestCountsItsBytesAndClearingGivesThemBack() {
    long write = InFlightWindow.cost(write(0, 1 << 20).request());
    InFlightWindow w = new InFlightWindow(1, 2 * write);
    Frame.Request first = write(1, 1 << 20);
    w.add(first);
    w.next();
    w.add(write(2, 1 << 20));
    w.add(write(3, 1 << 20));
    assertFalse(w.readable(), "three writes' bytes, though only one is in flight");
    w.clear();
    w.done(first.request());
    assertTrue(w.idle());
    assertTrue(w.readable(), "nothing counted once the waiting ones are cleared");
  }

  @Test
  void tinyRequestsCostTheOverheadAndLargeOnesOnePayloadAtMost() {
    assertEquals(
        InFlightWindow.REQUEST_OVERHEAD,
        InFlightWindow.cost(new NbdRequest(0, NbdCommand.FLUSH.code(), 1, 0, 0)));
    assertEquals(
        InFlightWindow.REQUEST_OVERHEAD,
        InFlightWindow.cost(new NbdRequest(0, NbdCommand.TRIM.code(), 1, 0, 1L << 30)));
    assertEquals(
        InFlightWindow.REQUEST_OVERHEAD + 4096, InFlightWindow.cost(read(1, 4096).request()));
    assertEquals(
        InFlightWindow.REQUEST_OVERHEAD + (32 << 20),
        InFlightWindow.cost(new NbdRequest(0, NbdCommand.READ.code(), 1, 0, 0xffffffffL)));
  }

  private static Frame.Request read(long cookie, int length) {
    return new Frame.Request(new NbdRequest(0, NbdCommand.READ.code(), cookie, 0, length), null);
  }

  private static Frame.Request write(long cookie, int length) {
    return new Frame.Request(
        new NbdRequest(0, NbdCommand.WRITE.code(), cookie, 0, length), new byte[length]);
  }
}
