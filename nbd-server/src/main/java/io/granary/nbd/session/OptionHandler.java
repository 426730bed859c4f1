package io.granary.nbd.session;

import io.granary.nbd.protocol.MalformedOption;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Serves one NBD_OPT_* given its data; one implementation per option. */
interface OptionHandler {
  OptionOutcome handle(HandshakeState state, int option, ByteBuffer data)
      throws MalformedOption, IOException;
}
