package io.granary.nbd.session;

import static io.granary.nbd.session.Handshakes.INSIDER;
import static io.granary.nbd.session.Handshakes.OUTSIDER;
import static io.granary.nbd.session.Handshakes.assertOnly;
import static io.granary.nbd.session.Handshakes.data;
import static io.granary.nbd.session.Handshakes.release;
import static io.granary.nbd.session.Handshakes.replies;
import static io.granary.nbd.session.Handshakes.session;
import static io.granary.nbd.session.Handshakes.types;
import static io.granary.nbd.testing.NbdWire.bytes;
import static io.granary.nbd.testing.NbdWire.exportRequest;
import static io.granary.nbd.testing.NbdWire.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.TlsMode;
import io.granary.nbd.protocol.NbdStrings;
import io.granary.nbd.protocol.OptionReplyType;
import io.granary.nbd.testing.NbdWire.OptionReply;
import io.granary.nbd.testing.TestExports;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LIST, INFO, GO, EXPORT_NAME and ABORT against a real pool. */
class HandshakeSessionTest {
  private static final int EXPORT_NAME = 1;
  private static final int ABORT = 2;
  private static final int LIST = 3;
  private static final int INFO = 6;
  private static final int GO = 7;
  private static final int STRUCTURED_REPLY = 8;
  private static final byte[] NONE = new byte[0];

  @TempDir Path dir;
  private TestExports exports;

  @BeforeEach
  void pool() throws Exception {
    exports = new TestExports(dir);
    Handshakes.populate(exports);
  }

  @AfterEach
  void close() throws Exception {
    exports.close();
  }

  @Test
  void listNamesTheExportsThisClientMaySeeThenAcks() throws Exception {
    assertEquals(List.of("test/a", "test/a@snap", "test/b"), listed(session(exports)));
    assertEquals(
        List.of("test/a", "test/a@snap", "test/b", "test/secret"),
        listed(session(exports, TlsMode.OFF, INSIDER)));
    assertOnly(OptionReplyType.ERR_INVALID, LIST, session(exports).handle(LIST, data(new byte[1])));
  }

  @Test
  void infoSendsBlockSizeAndExportEvenUnasked() throws Exception {
    OptionOutcome o = session(exports).handle(INFO, data(exportRequest("test/a")));
    assertEquals(OptionOutcome.Next.CONTINUE, o.next());
    assertEquals(
        List.of(OptionReplyType.INFO, OptionReplyType.INFO, OptionReplyType.ACK), types(o));
    assertArrayEquals(hex("0003 00000001 00004000 02000000"), info(o, 3));
    assertArrayEquals(
        hex("0000 0000000000100000 0d6d"), info(o, 0), "no DF: no structured replies");
    assertTrue(replies(o).stream().allMatch(r -> r.option() == INFO));
  }

  @Test
  void nameAndDescriptionOnRequest() throws Exception {
    OptionOutcome o = session(exports).handle(INFO, data(exportRequest("test/a@snap", 1, 2)));
    assertArrayEquals(("\0\1test/a@snap").getBytes(StandardCharsets.UTF_8), info(o, 1));
    assertArrayEquals(("\0\2snapshot snap of a").getBytes(StandardCharsets.UTF_8), info(o, 2));
    assertArrayEquals(hex("0000 0000000000100000 050f"), info(o, 0), "read-only flags");
  }

  @Test
  void infoAndGoReportTheSameSizeAndFlags() throws Exception {
    for (String name : List.of("test/a", "test/a@snap", "test/b")) {
      OptionOutcome info = session(exports).handle(INFO, data(exportRequest(name)));
      OptionOutcome go = session(exports).handle(GO, data(exportRequest(name, 3)));
      try {
        assertEquals(OptionOutcome.Next.TRANSMIT, go.next());
        assertArrayEquals(info(info, 0), info(go, 0), name);
        assertArrayEquals(info(info, 3), info(go, 3), name);
        assertEquals(OptionReplyType.ACK, types(go).get(types(go).size() - 1));
        assertEquals(name, go.transmission().export().name());
        assertEquals(name.endsWith("@snap"), go.transmission().volume().readOnly());
        assertFalse(go.transmission().structuredReplies());
        assertFalse(go.transmission().blockStatus());
      } finally {
        release(go);
      }
    }
  }

  /**
   * DF on every path that sends flags (INFO, GO, EXPORT_NAME) exactly when structured replies
   * were turned on before it: the protocol's "MUST leave this flag clear if structured replies
   * have not been negotiated" (qemu-nbd sends 0x0c6d there, nbdkit 0x056d).
   */
  @Test
  void dfIsAdvertisedExactlyWhenStructuredRepliesAreOn() throws Exception {
    for (boolean structured : new boolean[] {false, true}) {
      byte[] flags = hex(structured ? "0ded" : "0d6d");
      HandshakeSession s = session(exports);
      if (structured) {
        assertOnly(OptionReplyType.ACK, STRUCTURED_REPLY, s.handle(STRUCTURED_REPLY, data(NONE)));
      }
      assertArrayEquals(
          flags, tail(info(s.handle(INFO, data(exportRequest("test/a"))), 0)), "INFO");
      OptionOutcome go = s.handle(GO, data(exportRequest("test/a")));
      release(go);
      assertArrayEquals(flags, tail(info(go, 0)), "GO");
      assertEquals(structured, go.transmission().structuredReplies());

      HandshakeSession e = session(exports);
      if (structured) {
        e.handle(STRUCTURED_REPLY, data(NONE));
      }
      OptionOutcome byName = e.handle(EXPORT_NAME, data(NbdStrings.bytes("test/a")));
      release(byName);
      byte[] reply = bytes(byName.replies().toArray(ByteBuffer[]::new));
      assertArrayEquals(flags, Arrays.copyOfRange(reply, 8, 10), "EXPORT_NAME");
    }
  }

  /** The last two bytes of an NBD_INFO_EXPORT: the transmission flags. */
  private static byte[] tail(byte[] infoExport) {
    return Arrays.copyOfRange(infoExport, infoExport.length - 2, infoExport.length);
  }

  @Test
  void unknownExportsAreErrUnknown() throws Exception {
    for (String name : List.of("test/nope", "test/a@nope", "other/a", "", "test/")) {
      byte[] request = exportRequest(name);
      assertOnly(OptionReplyType.ERR_UNKNOWN, INFO, session(exports).handle(INFO, data(request)));
      assertOnly(OptionReplyType.ERR_UNKNOWN, GO, session(exports).handle(GO, data(request)));
    }
  }

  @Test
  void deniedExportsAreErrPolicy() throws Exception {
    assertOnly(
        OptionReplyType.ERR_POLICY,
        INFO,
        session(exports).handle(INFO, data(exportRequest("test/secret"))));
    assertOnly(
        OptionReplyType.ERR_POLICY,
        GO,
        session(exports).handle(GO, data(exportRequest("test/secret"))));
    OptionOutcome go =
        session(exports, TlsMode.OFF, INSIDER).handle(GO, data(exportRequest("test/secret")));
    release(go);
    assertEquals(OptionOutcome.Next.TRANSMIT, go.next());
  }

  @Test
  void malformedInfoDataIsErrInvalidAndTheHandshakeGoesOn() throws Exception {
    byte[] whole = exportRequest("test/a", 1);
    HandshakeSession s = session(exports);
    assertOnly(OptionReplyType.ERR_INVALID, GO, s.handle(GO, data(Arrays.copyOf(whole, 7))));
    OptionOutcome go = s.handle(GO, data(whole));
    release(go);
    assertEquals(OptionOutcome.Next.TRANSMIT, go.next());
  }

  @Test
  void exportNameEntersTransmissionWithOrWithoutTheZeroes() throws Exception {
    byte[] name = NbdStrings.bytes("test/b");
    OptionOutcome plain =
        new HandshakeSession(exports, Handshakes.RULES, TlsMode.OFF, OUTSIDER, 1)
            .handle(EXPORT_NAME, data(name));
    OptionOutcome noZeroes = session(exports).handle(EXPORT_NAME, data(name));
    release(plain);
    release(noZeroes);
    assertEquals(OptionOutcome.Next.TRANSMIT, plain.next());
    byte[] head = hex("0000000000200000 0d6d"); // no DF: EXPORT_NAME came before structured replies
    byte[] full = bytes(plain.replies().toArray(ByteBuffer[]::new));
    assertEquals(134, full.length);
    assertArrayEquals(head, Arrays.copyOf(full, 10));
    assertArrayEquals(head, bytes(noZeroes.replies().toArray(ByteBuffer[]::new)));
    assertEquals("test/b", noZeroes.transmission().export().name());
  }

  @Test
  void exportNameThatCannotBeHadClosesWithoutAReply() throws Exception {
    for (String name : List.of("test/nope", "test/secret", "a\0b")) {
      OptionOutcome o =
          session(exports).handle(EXPORT_NAME, data(name.getBytes(StandardCharsets.UTF_8)));
      assertEquals(OptionOutcome.Next.CLOSE, o.next(), name);
      assertEquals(List.of(), o.replies(), name);
    }
  }

  @Test
  void abortAcksThenCloses() {
    OptionOutcome o = session(exports).handle(ABORT, data(new byte[0]));
    assertEquals(OptionOutcome.Next.CLOSE, o.next());
    assertEquals(List.of(OptionReplyType.ACK), types(o));
    assertEquals(ABORT, replies(o).get(0).option());
  }

  /** The export names of a LIST reply, after checking it ends with one ACK. */
  private static List<String> listed(HandshakeSession s) {
    OptionOutcome o = s.handle(LIST, data(new byte[0]));
    List<OptionReply> r = replies(o);
    assertEquals(OptionReplyType.ACK.code(), r.get(r.size() - 1).type());
    List<String> names = new ArrayList<>();
    for (OptionReply server : r.subList(0, r.size() - 1)) {
      assertEquals(OptionReplyType.SERVER.code(), server.type());
      ByteBuffer b = server.body();
      byte[] name = new byte[b.getInt()];
      b.get(name);
      assertTrue(b.hasRemaining(), "a description follows the name");
      names.add(new String(name, StandardCharsets.UTF_8));
    }
    return names;
  }

  /** The body (type included) of the INFO reply of {@code type}. */
  private static byte[] info(OptionOutcome o, int type) {
    return replies(o).stream()
        .filter(r -> r.type() == OptionReplyType.INFO.code() && r.body().getShort(0) == type)
        .map(OptionReply::data)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no NBD_INFO type " + type + " in " + types(o)));
  }
}
