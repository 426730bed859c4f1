package io.granary.nbd.api;

import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The exports behind the listener, looked up at every request so that a volume created while
 * the server runs is reachable at once. Implemented by the appliance over its pools.
 */
public interface ExportCatalog {

  /** Every export, volumes and their snapshots. */
  List<ExportInfo> list() throws IOException;

  /** The export of that name, without opening it; empty if there is none. */
  Optional<ExportInfo> describe(String name) throws IOException;

  /**
   * Opens the export for I/O. Every handle on one volume shares its volume object, which is
   * what makes multi-conn safe.
   */
  Volume open(String name) throws IOException;

  /**
   * The pacer for I/O on that export, asked once when a connection starts transmission on it.
   * The same pacer object may be shared by every connection to the volume, so that its limits
   * are the volume's and can change while connections stay open. On failure the connection
   * runs unpaced (and the failure is logged). None by default.
   */
  default RequestPacer pacer(String name) throws IOException {
    return RequestPacer.NONE;
  }

  /**
   * The metadata contexts the export offers besides {@code base:allocation}, which every export
   * offers (names such as {@code qemu:dirty-bitmap:A}), in the order a LIST shows them. Asked
   * during the handshake, for the export a client names. None by default.
   */
  default List<String> metaContexts(String name) throws IOException {
    return List.of();
  }

  /**
   * Opens one of the export's {@link #metaContexts} for a connection that enters transmission
   * on it with {@code volume} (opened by {@link #open}), which it may use.
   *
   * @throws NoSuchElementException for a context the export does not offer (any more)
   */
  default StatusMap statusMap(String name, String context, Volume volume) throws IOException {
    throw new NoSuchElementException(name + " has no meta context " + context);
  }
}
