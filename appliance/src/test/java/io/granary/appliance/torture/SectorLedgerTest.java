package io.granary.appliance.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The torture's model of what a sector may hold, and the patterns that name their writes. */
class SectorLedgerTest {

  @Test
  void afterACrashOnlyTheLastDurableWriteAndLaterOnesAreAllowed() {
    SectorLedger ledger = new SectorLedger(4);
    ledger.sent(0, 2, 7);
    ledger.acked(0, 2);
    ledger.durable(0, 2); // a FLUSH answered
    ledger.sent(0, 1, 8);
    ledger.acked(0, 1);
    ledger.sent(0, 1, 9); // in flight at the kill

    int s = 0;
    int floor = ledger.durableNow()[s];
    int ceiling = ledger.sentNow()[s];
    assertFalse(
        ledger.allows(s, 0, floor, ceiling), "the zeroes before the flushed write are lost data");
    assertTrue(ledger.allows(s, 7, floor, ceiling));
    assertTrue(ledger.allows(s, 8, floor, ceiling), "an unflushed write may survive");
    assertTrue(ledger.allows(s, 9, floor, ceiling), "so may one in flight");
    assertFalse(ledger.allows(s, 10, floor, ceiling), "a write never sent to it may not");
    assertFalse(ledger.allows(s, SectorPattern.FOREIGN, floor, ceiling));
    assertFalse(
        ledger.allows(2, 7, ledger.durableNow()[2], ledger.sentNow()[2]),
        "nor one sent to other sectors");
  }

  @Test
  void aSnapshotHoldsWhatWasAcknowledgedBeforeItWasAskedFor() {
    SectorLedger ledger = new SectorLedger(1);
    ledger.sent(0, 1, 1);
    ledger.acked(0, 1);
    int[] floor = ledger.ackedNow();
    ledger.sent(0, 1, 2); // during the snapshot request
    int[] ceiling = ledger.sentNow();
    ledger.acked(0, 1);
    ledger.sent(0, 1, 3); // after the snapshot was answered

    assertFalse(ledger.allows(0, 0, floor[0], ceiling[0]));
    assertTrue(ledger.allows(0, 1, floor[0], ceiling[0]));
    assertTrue(ledger.allows(0, 2, floor[0], ceiling[0]));
    assertFalse(ledger.allows(0, 3, floor[0], ceiling[0]));
  }

  @Test
  void aRestoredValueIsTheNewFloorSoLostWritesCannotComeBack() {
    SectorLedger ledger = new SectorLedger(1);
    ledger.sent(0, 1, 1);
    ledger.acked(0, 1);
    ledger.durable(0, 1);
    ledger.sent(0, 1, 2); // lost in the crash
    ledger.restored(0, 1);
    assertFalse(ledger.allows(0, 2, ledger.durableNow()[0], ledger.sentNow()[0]));
    assertTrue(ledger.allows(0, 1, ledger.durableNow()[0], ledger.sentNow()[0]));
  }

  @Test
  void aPatternNamesItsWriteAndTornOrMisplacedSectorsAreForeign() {
    byte[] a = new byte[SectorPattern.SECTOR];
    byte[] b = new byte[SectorPattern.SECTOR];
    for (long id : new long[] {41, 42}) {
      SectorPattern.fill(id, 5, a, 0);
      assertEquals(id, SectorPattern.decode(a, 0, 5));
      assertEquals(SectorPattern.FOREIGN, SectorPattern.decode(a, 0, 6), "written to sector 5");
    }
    SectorPattern.fill(43, 5, b, 0);
    System.arraycopy(b, 2048, a, 2048, 2048);
    assertEquals(SectorPattern.FOREIGN, SectorPattern.decode(a, 0, 5), "half of 42, half of 43");
    assertEquals(0, SectorPattern.decode(new byte[SectorPattern.SECTOR], 0, 5));
    byte[] almostZero = new byte[SectorPattern.SECTOR];
    almostZero[4000] = 1;
    assertEquals(SectorPattern.FOREIGN, SectorPattern.decode(almostZero, 0, 5));
  }
}
