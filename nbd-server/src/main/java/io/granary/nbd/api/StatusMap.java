package io.granary.nbd.api;

import java.io.IOException;
import java.util.List;

/**
 * One metadata context of one export, opened for a connection: what NBD_CMD_BLOCK_STATUS
 * reports for it. Asked from an I/O thread, once per request; thread-safe.
 */
@FunctionalInterface
public interface StatusMap {

  /**
   * The runs within {@code [offset, offset+length)} whose flags are not 0, in offset order and
   * without overlap; every byte not in a run has flags 0. Runs may reach past the range (they
   * are clipped).
   */
  List<StatusRun> status(long offset, long length) throws IOException;
}
