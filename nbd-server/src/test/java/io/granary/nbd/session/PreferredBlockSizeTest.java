package io.granary.nbd.session;

import static io.granary.nbd.testing.NbdWire.exportRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.protocol.OptionReplyType;
import io.granary.nbd.testing.NbdWire.OptionReply;
import io.granary.snapshots.api.Volume;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The advertised preferred block size is the volume's, kept to what the spec allows: a power
 * of two from 512 up to the maximum payload.
 */
class PreferredBlockSizeTest {

  @Test
  void theVolumesBlockSizeWithinTheSpecsRange() {
    assertEquals(16384, preferred(16384));
    assertEquals(1 << 20, preferred(1 << 20));
    assertEquals(512, preferred(512));
    assertEquals(32 << 20, preferred(64 << 20), "never above the maximum payload");
    assertEquals(4096, preferred(3000), "not a power of two");
    assertEquals(4096, preferred(256), "below 512");
    assertEquals(4096, preferred(0));
  }

  /** The preferred size INFO advertises for an export of {@code blockSize}, after checking min and max. */
  private static int preferred(int blockSize) {
    ExportInfo export = new ExportInfo("p/v", "v", 1 << 30, blockSize, false);
    HandshakeSession s =
        new HandshakeSession(
            catalog(export),
            new AccessPolicy(List.of()),
            TlsMode.OFF,
            Handshakes.OUTSIDER,
            Handshakes.FIXED_NEWSTYLE_NO_ZEROES);
    for (OptionReply r :
        Handshakes.replies(s.handle(6, ByteBuffer.wrap(exportRequest("p/v", 3))))) {
      ByteBuffer b = r.body();
      if (r.type() == OptionReplyType.INFO.code() && b.getShort() == 3) {
        assertEquals(1, b.getInt(), "minimum");
        int preferred = b.getInt();
        assertEquals(32 << 20, b.getInt(), "maximum");
        return preferred;
      }
    }
    throw new AssertionError("no NBD_INFO_BLOCK_SIZE");
  }

  private static ExportCatalog catalog(ExportInfo export) {
    return new ExportCatalog() {
      @Override
      public List<ExportInfo> list() {
        return List.of(export);
      }

      @Override
      public Optional<ExportInfo> describe(String name) {
        return Optional.of(export).filter(e -> e.name().equals(name));
      }

      @Override
      public Volume open(String name) {
        throw new UnsupportedOperationException("INFO never opens");
      }
    };
  }
}
