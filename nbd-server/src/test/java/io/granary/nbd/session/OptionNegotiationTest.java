package io.granary.nbd.session;

import static io.granary.nbd.session.Handshakes.OUTSIDER;
import static io.granary.nbd.session.Handshakes.assertOnly;
import static io.granary.nbd.session.Handshakes.data;
import static io.granary.nbd.session.Handshakes.release;
import static io.granary.nbd.session.Handshakes.replies;
import static io.granary.nbd.session.Handshakes.session;
import static io.granary.nbd.session.Handshakes.types;
import static io.granary.nbd.testing.NbdWire.exportRequest;
import static io.granary.nbd.testing.NbdWire.hex;
import static io.granary.nbd.testing.NbdWire.metaContextRequest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.StatusMap;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.protocol.OptionReplyType;
import io.granary.nbd.testing.TestExports;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structured replies, meta contexts, STARTTLS, and options this server does not serve. */
class OptionNegotiationTest {
  private static final int EXPORT_NAME = 1;
  private static final int ABORT = 2;
  private static final int LIST = 3;
  private static final int STARTTLS = 5;
  private static final int INFO = 6;
  private static final int GO = 7;
  private static final int STRUCTURED_REPLY = 8;
  private static final int LIST_META = 9;
  private static final int SET_META = 10;
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
  void structuredRepliesOnceOnly() throws Exception {
    HandshakeSession s = session(exports);
    assertOnly(
        OptionReplyType.ERR_INVALID,
        STRUCTURED_REPLY,
        s.handle(STRUCTURED_REPLY, data(new byte[2])));
    assertOnly(OptionReplyType.ACK, STRUCTURED_REPLY, s.handle(STRUCTURED_REPLY, data(NONE)));
    assertOnly(
        OptionReplyType.ERR_INVALID, STRUCTURED_REPLY, s.handle(STRUCTURED_REPLY, data(NONE)));
    OptionOutcome go = s.handle(GO, data(exportRequest("test/a")));
    release(go);
    assertTrue(go.transmission().structuredReplies());
  }

  @Test
  void metaContextsNeedStructuredRepliesFirst() {
    HandshakeSession s = session(exports);
    byte[] query = metaContextRequest("test/a", "base:allocation");
    assertOnly(OptionReplyType.ERR_INVALID, LIST_META, s.handle(LIST_META, data(query)));
    assertOnly(OptionReplyType.ERR_INVALID, SET_META, s.handle(SET_META, data(query)));
  }

  @Test
  void listTreatsNoQueryAndTheBareNamespaceAsWildcards() {
    for (String[] queries :
        new String[][] {{}, {"base:"}, {"base:allocation"}, {"qemu:x", "base:"}}) {
      OptionOutcome o = structured().handle(LIST_META, data(metaContextRequest("test/a", queries)));
      assertEquals(
          List.of(OptionReplyType.META_CONTEXT, OptionReplyType.ACK),
          types(o),
          List.of(queries).toString());
      assertArrayEquals(context(0), replies(o).get(0).data(), "id 0 in a LIST");
    }
    OptionOutcome unknown =
        structured()
            .handle(
                LIST_META,
                data(metaContextRequest("test/a", "qemu:dirty-bitmap:x", "nbd-server:y")));
    assertEquals(List.of(OptionReplyType.ACK), types(unknown));
  }

  @Test
  void setSelectsOnlyTheFullNameAndIgnoresUnknownNamespaces() {
    for (String[] queries : new String[][] {{}, {"base:"}, {"qemu:allocation-depth"}}) {
      OptionOutcome o = structured().handle(SET_META, data(metaContextRequest("test/a", queries)));
      assertEquals(List.of(OptionReplyType.ACK), types(o), List.of(queries).toString());
    }
    OptionOutcome o =
        structured()
            .handle(
                SET_META,
                data(metaContextRequest("test/a", "qemu:dirty-bitmap:x", "base:allocation")));
    assertEquals(List.of(OptionReplyType.META_CONTEXT, OptionReplyType.ACK), types(o));
    assertArrayEquals(context(1), replies(o).get(0).data());
  }

  @Test
  void theCatalogsContextsAreListedSelectedAndOpened() throws Exception {
    StatusMap none = (o, l) -> List.of();
    exports.offer("test/a", "qemu:dirty-bitmap:s1", none);
    exports.offer("test/a", "qemu:dirty-bitmap:s2", none);
    exports.offer("test/a", "qemu:allocation-depth", none);
    assertEquals(
        List.of(
            "base:allocation",
            "qemu:dirty-bitmap:s1",
            "qemu:dirty-bitmap:s2",
            "qemu:allocation-depth"),
        contextNames(structured().handle(LIST_META, data(metaContextRequest("test/a")))));
    assertEquals(
        List.of("qemu:dirty-bitmap:s1", "qemu:dirty-bitmap:s2"),
        contextNames(
            structured()
                .handle(LIST_META, data(metaContextRequest("test/a", "qemu:dirty-bitmap:")))));
    assertEquals(
        List.of("qemu:dirty-bitmap:s1", "qemu:dirty-bitmap:s2", "qemu:allocation-depth"),
        contextNames(structured().handle(LIST_META, data(metaContextRequest("test/a", "qemu:")))));
    assertEquals(
        List.of(),
        contextNames(
            structured()
                .handle(SET_META, data(metaContextRequest("test/a", "qemu:dirty-bitmap:")))),
        "no wildcard in SET");
    assertEquals(List.of(), exports.metaContexts("test/b"), "offered on test/a only");

    HandshakeSession s = structured();
    OptionOutcome set =
        s.handle(
            SET_META,
            data(
                metaContextRequest(
                    "test/a", "qemu:dirty-bitmap:s2", "qemu:nope", "base:allocation")));
    assertEquals(List.of("base:allocation", "qemu:dirty-bitmap:s2"), contextNames(set));
    assertEquals(1, ByteBuffer.wrap(replies(set).get(0).data()).getInt(), "ids from 1");
    assertEquals(2, ByteBuffer.wrap(replies(set).get(1).data()).getInt());
    OptionOutcome go = s.handle(GO, data(exportRequest("test/a")));
    release(go);
    List<ContextMap> opened = go.transmission().metaContexts();
    assertEquals(List.of(1, 2), opened.stream().map(ContextMap::id).toList());
    assertEquals(
        List.of("base:allocation", "qemu:dirty-bitmap:s2"),
        opened.stream().map(ContextMap::name).toList());
  }

  @Test
  void aContextGoneBeforeGoFailsTheGo() {
    exports.offer("test/a", "qemu:dirty-bitmap:s1", (o, l) -> List.of());
    HandshakeSession s = structured();
    s.handle(SET_META, data(metaContextRequest("test/a", "qemu:dirty-bitmap:s1")));
    exports.withdraw("test/a", "qemu:dirty-bitmap:s1");
    OptionOutcome go = s.handle(GO, data(exportRequest("test/a")));
    assertEquals(OptionOutcome.Next.CONTINUE, go.next(), "the client may try again");
    assertOnly(OptionReplyType.ERR_INVALID, GO, go);
  }

  @Test
  void metaContextForAnExportThatCannotBeHad() {
    assertOnly(
        OptionReplyType.ERR_UNKNOWN,
        SET_META,
        structured().handle(SET_META, data(metaContextRequest("test/nope", "base:allocation"))));
    assertOnly(
        OptionReplyType.ERR_POLICY,
        LIST_META,
        structured().handle(LIST_META, data(metaContextRequest("test/secret"))));
  }

  @Test
  void blockStatusOnlyForTheExportTheContextWasSetFor() throws Exception {
    byte[] set = metaContextRequest("test/a", "base:allocation");
    assertTrue(goAfter("test/a", set));
    assertFalse(goAfter("test/b", set));
    assertFalse(goAfter("test/a", metaContextRequest("test/a", "base:")));
    // A later SET replaces the earlier one.
    HandshakeSession s = structured();
    s.handle(SET_META, data(set));
    s.handle(SET_META, data(metaContextRequest("test/a")));
    OptionOutcome go = s.handle(GO, data(exportRequest("test/a")));
    release(go);
    assertFalse(go.transmission().blockStatus());
  }

  @Test
  void starttlsWithoutTlsIsUnsupported() {
    assertOnly(OptionReplyType.ERR_UNSUP, STARTTLS, session(exports).handle(STARTTLS, data(NONE)));
  }

  @Test
  void requiredTlsRefusesEverythingButStarttlsAndAbort() {
    HandshakeSession s = session(exports, TlsMode.REQUIRED, OUTSIDER);
    assertOnly(OptionReplyType.ERR_TLS_REQD, LIST, s.handle(LIST, data(NONE)));
    assertOnly(OptionReplyType.ERR_TLS_REQD, INFO, s.handle(INFO, data(exportRequest("test/a"))));
    assertOnly(OptionReplyType.ERR_TLS_REQD, GO, s.handle(GO, data(exportRequest("test/a"))));
    assertOnly(
        OptionReplyType.ERR_TLS_REQD, STRUCTURED_REPLY, s.handle(STRUCTURED_REPLY, data(NONE)));
    assertOnly(
        OptionReplyType.ERR_TLS_REQD,
        SET_META,
        s.handle(SET_META, data(metaContextRequest("test/a", "base:allocation"))));
    assertEquals(
        OptionOutcome.Next.CLOSE,
        session(exports, TlsMode.REQUIRED, OUTSIDER)
            .handle(EXPORT_NAME, data("test/a".getBytes(StandardCharsets.UTF_8)))
            .next());
    OptionOutcome abort = session(exports, TlsMode.REQUIRED, OUTSIDER).handle(ABORT, data(NONE));
    assertEquals(List.of(OptionReplyType.ACK), types(abort));
    OptionOutcome tls = s.handle(STARTTLS, data(NONE));
    assertEquals(OptionOutcome.Next.START_TLS, tls.next());
    assertEquals(List.of(OptionReplyType.ACK), types(tls));
    s.tlsEstablished("CN=client");
    assertEquals(OptionReplyType.ACK, types(s.handle(INFO, data(exportRequest("test/a")))).get(2));
    assertOnly(OptionReplyType.ERR_INVALID, STARTTLS, s.handle(STARTTLS, data(NONE)));
  }

  @Test
  void tlsForgetsWhatWasNegotiatedInTheClear() throws Exception {
    HandshakeSession s = session(exports, TlsMode.OPTIONAL, OUTSIDER);
    s.handle(STRUCTURED_REPLY, data(NONE));
    s.handle(SET_META, data(metaContextRequest("test/a", "base:allocation")));
    assertEquals(OptionOutcome.Next.START_TLS, s.handle(STARTTLS, data(NONE)).next());
    s.tlsEstablished(null);
    OptionOutcome go = s.handle(GO, data(exportRequest("test/a")));
    release(go);
    assertFalse(go.transmission().structuredReplies());
    assertFalse(go.transmission().blockStatus());
  }

  @Test
  void unknownOptionsAreUnsupportedAndTheHandshakeGoesOn() {
    HandshakeSession s = session(exports);
    // 11 is NBD_OPT_EXTENDED_HEADERS: QEMU 8.2+ and libnbd 1.18+ send it by default.
    for (int option : new int[] {11, 4, 0, 12, 0x7fffffff, 0xffffffff}) {
      assertOnly(OptionReplyType.ERR_UNSUP, option, s.handle(option, data(new byte[3])));
    }
    assertEquals(OptionReplyType.ACK, types(s.handle(LIST, data(NONE))).get(3));
  }

  @Test
  void oversizedDataIsTooBigForKnownOptionsAndUnsupportedOtherwise() {
    HandshakeSession s = session(exports);
    for (int option : new int[] {LIST, INFO, GO, STRUCTURED_REPLY, LIST_META, SET_META, STARTTLS}) {
      assertOnly(OptionReplyType.ERR_TOO_BIG, option, s.handle(option, null));
    }
    for (int option : new int[] {11, 99, 0x7fffffff}) {
      assertOnly(OptionReplyType.ERR_UNSUP, option, s.handle(option, null));
    }
    assertEquals(OptionOutcome.Next.CLOSE, s.handle(EXPORT_NAME, null).next());
  }

  private HandshakeSession structured() {
    HandshakeSession s = session(exports);
    assertOnly(OptionReplyType.ACK, STRUCTURED_REPLY, s.handle(STRUCTURED_REPLY, data(NONE)));
    return s;
  }

  private boolean goAfter(String export, byte[] setMetaContext) throws Exception {
    HandshakeSession s = structured();
    s.handle(SET_META, data(setMetaContext));
    OptionOutcome go = s.handle(GO, data(exportRequest(export)));
    release(go);
    return go.transmission().blockStatus();
  }

  /** The names in a LIST or SET reply's META_CONTEXT replies. */
  private static List<String> contextNames(OptionOutcome o) {
    return replies(o).stream()
        .filter(r -> OptionReplyType.fromCode(r.type()) == OptionReplyType.META_CONTEXT)
        .map(r -> new String(r.data(), 4, r.data().length - 4, StandardCharsets.UTF_8))
        .toList();
  }

  /** The META_CONTEXT body for base:allocation with {@code id}. */
  private static byte[] context(int id) {
    return hex(String.format("%08x", id) + "626173653a616c6c6f636174696f6e");
  }
}
