package io.granary.dedupe.store;

import io.granary.dedupe.api.ChunkId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Computes chunk ids: SHA-256 with the JDK's digest (SHA-NI intrinsic); the ids of all-zero
 * chunks are cached per length. Thread-safe.
 */
final class ChunkHasher {
  private static final byte[] ZEROS = new byte[64 << 10]; // hashed, never written
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK always has SHA-256", e);
            }
          });

  private final Map<Integer, ChunkId> zeroIds = new ConcurrentHashMap<>();

  ChunkId id(byte[] data, int off, int len) {
    MessageDigest md = SHA256.get();
    md.update(data, off, len);
    return ChunkId.of(md.digest());
  }

  /** The id of {@code length} zero bytes. */
  ChunkId zeroId(int length) {
    return zeroIds.computeIfAbsent(
        length,
        n -> {
          MessageDigest md = SHA256.get();
          for (int left = n; left > 0; left -= ZEROS.length) {
            md.update(ZEROS, 0, Math.min(left, ZEROS.length));
          }
          return ChunkId.of(md.digest());
        });
  }
}
