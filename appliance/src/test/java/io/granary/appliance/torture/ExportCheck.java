package io.granary.appliance.torture;

import io.granary.nbd.testing.RawNbdClient;
import java.io.IOException;
import java.util.List;

/**
 * Reads an export whole over NBD and checks that each sector holds one of the writes its
 * ledger window allows; returns the write id found in each sector.
 */
final class ExportCheck {
  private static final int READ = 1 << 20;
  private static final int MAX_REPORTED = 5;

  private final int port;
  private final SectorLedger ledger;
  private long bytesVerified;

  ExportCheck(int port, SectorLedger ledger) {
    this.port = port;
    this.ledger = ledger;
  }

  long bytesVerified() {
    return bytesVerified;
  }

  /** The id per sector of {@code export}; a sector outside [floor, ceiling] is a failure. */
  long[] check(String export, int[] floor, int[] ceiling, List<String> failures)
      throws IOException {
    long[] found = new long[ledger.sectors()];
    int reported = 0;
    try (RawNbdClient nbd = RawNbdClient.open(port, export, false)) {
      int perRead = READ / SectorPattern.SECTOR;
      for (int first = 0; first < found.length; first += perRead) {
        int n = Math.min(perRead, found.length - first);
        byte[] data =
            nbd.read(first, (long) first * SectorPattern.SECTOR, n * SectorPattern.SECTOR);
        for (int i = 0; i < n; i++) {
          int s = first + i;
          found[s] = SectorPattern.decode(data, i * SectorPattern.SECTOR, s);
          if (!ledger.allows(s, found[s], floor[s], ceiling[s]) && reported++ < MAX_REPORTED) {
            failures.add(
                export
                    + ": "
                    + (found[s] == SectorPattern.FOREIGN
                        ? "sector " + s + " holds bytes no write produced (torn or corrupt)"
                        : "sector " + s + " holds write " + found[s])
                    + "; "
                    + ledger.describe(s, floor[s], ceiling[s]));
          }
        }
        bytesVerified += (long) n * SectorPattern.SECTOR;
      }
    }
    if (reported > MAX_REPORTED) {
      failures.add(export + ": " + (reported - MAX_REPORTED) + " more bad sectors");
    }
    return found;
  }

  /** FLUSH on a fresh connection: what the restarted daemon serves becomes durable. */
  void flush(String export) throws IOException {
    try (RawNbdClient nbd = RawNbdClient.open(port, export, false)) {
      nbd.request(0, RawNbdClient.FLUSH, 1, 0, 0, null);
      int error = nbd.checkedSimple(1).error();
      if (error != 0) {
        throw new IOException("FLUSH of " + export + " answered error " + error);
      }
    }
  }
}
