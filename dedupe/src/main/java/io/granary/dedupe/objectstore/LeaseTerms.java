package io.granary.dedupe.objectstore;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * Who takes a pool's lease and how: the appliance's owner id (kept in the store's directory),
 * its host name, the lease's duration, and the access asked for (read-only: no lease, nothing
 * ever written to the bucket, so the holder, if any, is not disturbed).
 */
record LeaseTerms(
    String owner,
    String host,
    Duration duration,
    Clock clock,
    ObjectStorePackMedium.Access access) {

  /** This machine's terms, its owner id kept in {@code ownerFile} (made the first time). */
  static LeaseTerms of(
      Path ownerFile, Duration duration, Clock clock, ObjectStorePackMedium.Access access)
      throws IOException {
    return new LeaseTerms(ownerId(ownerFile), hostName(), duration, clock, access);
  }

  /** This store directory's owner id, made once: the same appliance after a restart. */
  private static String ownerId(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    String id = UUID.randomUUID().toString();
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("lease-owner.tmp");
    Files.writeString(tmp, id + "\n");
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return id;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}
