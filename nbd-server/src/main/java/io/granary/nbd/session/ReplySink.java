package io.granary.nbd.session;

import java.nio.ByteBuffer;

/**
 * Where one complete reply goes. The parts of one call reach the socket together, never
 * interleaved with another reply's, so replies may complete out of order safely.
 */
public interface ReplySink {
  void send(ByteBuffer... parts);
}
