package io.granary.nbd.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.protocol.CommandFlag;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdRequest;
import org.junit.jupiter.api.Test;

/** Which requests run on the event loop, and the backoff after slow ones. */
class InlineRequestsTest {
  private static final long MS = 1_000_000;

  private static NbdRequest request(NbdCommand command, long length) {
    return new NbdRequest(0, command.code(), 1, 0, length);
  }

  @Test
  void onlyALoneReadOfAtMostTheLimitRunsInline() {
    InlineRequests inline = new InlineRequests();
    assertTrue(inline.admit(request(NbdCommand.READ, 4096), true, 0));
    assertTrue(inline.admit(request(NbdCommand.READ, InlineRequests.MAX_BYTES), true, 0));
    assertFalse(inline.admit(request(NbdCommand.READ, InlineRequests.MAX_BYTES + 1), true, 0));
    assertFalse(inline.admit(request(NbdCommand.READ, 4096), false, 0), "a deeper queue");
    assertFalse(inline.admit(request(NbdCommand.FLUSH, 0), true, 0), "waits for the disk");
  }

  @Test
  void aLoneWriteWithoutFuaOfAtMostTheLimitIsAdmitted() {
    InlineRequests inline = new InlineRequests();
    assertTrue(inline.admit(request(NbdCommand.WRITE, 4096), true, 0));
    assertTrue(inline.admit(request(NbdCommand.WRITE, InlineRequests.MAX_BYTES), true, 0));
    assertFalse(inline.admit(request(NbdCommand.WRITE, InlineRequests.MAX_BYTES + 1), true, 0));
    assertFalse(inline.admit(request(NbdCommand.WRITE, 4096), false, 0), "a deeper queue");
    NbdRequest fua = new NbdRequest(CommandFlag.FUA.mask(), NbdCommand.WRITE.code(), 1, 0, 4096);
    assertFalse(inline.admit(fua, true, 0), "FUA syncs");
    assertFalse(inline.admit(request(NbdCommand.TRIM, 4096), true, 0));
    assertFalse(inline.admit(request(NbdCommand.WRITE_ZEROES, 4096), true, 0));
  }

  @Test
  void aSlowReadStopsInlineRequestsForABackoffThatSlowOnesDoubleAndFastOnesHalve() {
    InlineRequests inline = new InlineRequests();
    NbdRequest read = request(NbdCommand.READ, 4096);
    long t = 1_000 * MS;
    inline.served(t, t + InlineRequests.SLOW_NANOS + 1); // it waited for the disk
    t += InlineRequests.SLOW_NANOS + 1;
    assertFalse(inline.admit(read, true, t));
    assertFalse(inline.admit(read, true, t + InlineRequests.MIN_BACKOFF_NANOS - 1));
    t += InlineRequests.MIN_BACKOFF_NANOS;
    assertTrue(inline.admit(read, true, t));

    inline.served(t, t + InlineRequests.SLOW_NANOS + 1); // slow again: twice as long
    t += InlineRequests.SLOW_NANOS + 1;
    assertFalse(inline.admit(read, true, t + 2 * InlineRequests.MIN_BACKOFF_NANOS - 1));
    t += 2 * InlineRequests.MIN_BACKOFF_NANOS;
    assertTrue(inline.admit(read, true, t));

    inline.served(t, t + InlineRequests.SLOW_NANOS + 1); // a third: four times
    t += InlineRequests.SLOW_NANOS + 1;
    assertFalse(inline.admit(read, true, t + 4 * InlineRequests.MIN_BACKOFF_NANOS - 1));
    t += 4 * InlineRequests.MIN_BACKOFF_NANOS;

    inline.served(t, t + 5_000); // fast: inline from now on, and the backoff halves
    assertTrue(inline.admit(read, true, t + 5_000));
    inline.served(t, t + InlineRequests.SLOW_NANOS + 1);
    t += InlineRequests.SLOW_NANOS + 1;
    assertFalse(inline.admit(read, true, t + 2 * InlineRequests.MIN_BACKOFF_NANOS - 1));
    assertTrue(inline.admit(read, true, t + 2 * InlineRequests.MIN_BACKOFF_NANOS));
  }

  @Test
  void theBackoffStopsGrowingAtItsCeiling() {
    InlineRequests inline = new InlineRequests();
    NbdRequest read = request(NbdCommand.READ, 4096);
    long t = 0;
    for (int i = 0; i < 40; i++) {
      t += InlineRequests.MAX_BACKOFF_NANOS + InlineRequests.SLOW_NANOS + 1; // after any backoff
      inline.served(t, t + InlineRequests.SLOW_NANOS + 1);
    }
    long end = t + InlineRequests.SLOW_NANOS + 1;
    assertFalse(inline.admit(read, true, end + InlineRequests.MAX_BACKOFF_NANOS - 1));
    assertTrue(inline.admit(read, true, end + InlineRequests.MAX_BACKOFF_NANOS));
  }
}
