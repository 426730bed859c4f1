package io.granary.nbd.protocol;

import static io.granary.nbd.testing.NbdWire.exportRequest;
import static io.granary.nbd.testing.NbdWire.hex;
import static io.granary.nbd.testing.NbdWire.metaContextRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The option-phase decoders: valid encodings field by field, and every way data can be bad. */
class OptionDecodingTest {

  @Test
  void optionHeaderFieldsAreReadAsUnsigned() throws Exception {
    OptionHeader h =
        OptionHeader.decode(ByteBuffer.wrap(hex("49484156454f5054 00000007 ffffffff")));
    assertEquals(7, h.code());
    assertEquals(0xffffffffL, h.length());
    assertEquals(NbdOption.GO, h.option());
    OptionHeader unknown =
        OptionHeader.decode(ByteBuffer.wrap(hex("49484156454f5054 7fffffff 00000000")));
    assertNull(unknown.option());
    assertEquals(0, unknown.length());
  }

  @Test
  void badOptionMagicIsAProtocolViolation() {
    assertThrows(
        ProtocolViolation.class,
        () -> OptionHeader.decode(ByteBuffer.wrap(hex("49484156454f5055 00000007 00000000"))));
    assertThrows(
        ProtocolViolation.class,
        () -> OptionHeader.decode(ByteBuffer.wrap(hex("4e42444d41474943 00000007 00000000"))));
  }

  @Test
  void exportRequestFieldByField() throws Exception {
    ExportRequest r =
        ExportRequest.decode(ByteBuffer.wrap(hex("00000006 746573742f61 0003 0003 0001 0000")));
    assertEquals("test/a", r.name());
    assertEquals(List.of(InfoType.BLOCK_SIZE, InfoType.NAME, InfoType.EXPORT), r.requests());
    ExportRequest empty = ExportRequest.decode(ByteBuffer.wrap(hex("00000000 0000")));
    assertEquals("", empty.name());
    assertEquals(List.of(), empty.requests());
  }

  @Test
  void unknownAndRepeatedInfoTypesAreIgnored() throws Exception {
    ExportRequest r =
        ExportRequest.decode(ByteBuffer.wrap(exportRequest("x", 4, 2, 0xffff, 2, 1000)));
    assertEquals(List.of(InfoType.DESCRIPTION), r.requests());
  }

  @Test
  void exportRequestWithTrailingBytesIsMalformed() {
    byte[] ok = exportRequest("test/a", 1);
    byte[] longer = Arrays.copyOf(ok, ok.length + 1);
    assertThrows(MalformedOption.class, () -> ExportRequest.decode(ByteBuffer.wrap(longer)));
  }

  @Test
  void exportRequestTruncatedAtEveryByteIsMalformed() {
    everyTruncationIsMalformed(
        exportRequest("test/vol@snap", 0, 1, 2, 3), b -> ExportRequest.decode(b));
  }

  @Test
  void metaContextRequestFieldByField() throws Exception {
    MetaContextRequest r =
        MetaContextRequest.decode(
            ByteBuffer.wrap(
                hex(
                    "00000001 61 00000002 0000000f 626173653a616c6c6f636174696f6e 00000005 626173653a")));
    assertEquals("a", r.exportName());
    assertEquals(List.of("base:allocation", "base:"), r.queries());
    assertEquals(
        List.of(), MetaContextRequest.decode(ByteBuffer.wrap(metaContextRequest("a"))).queries());
  }

  @Test
  void metaContextRequestTruncatedAtEveryByteIsMalformed() {
    everyTruncationIsMalformed(
        metaContextRequest("test/a", "base:allocation", "qemu:x"),
        b -> MetaContextRequest.decode(b));
  }

  @Test
  void metaContextRequestLimitsItsQueries() throws Exception {
    String[] most = new String[MetaContextRequest.MAX_QUERIES];
    Arrays.fill(most, "base:");
    assertEquals(
        most.length,
        MetaContextRequest.decode(ByteBuffer.wrap(metaContextRequest("a", most))).queries().size());
    String[] tooMany = Arrays.copyOf(most, most.length + 1);
    tooMany[most.length] = "base:";
    assertThrows(
        MalformedOption.class,
        () -> MetaContextRequest.decode(ByteBuffer.wrap(metaContextRequest("a", tooMany))));
    // A count of 2^32-1 is refused before anything is allocated for it.
    assertThrows(
        MalformedOption.class,
        () -> MetaContextRequest.decode(ByteBuffer.wrap(hex("00000000 ffffffff"))));
    byte[] trailing = Arrays.copyOf(metaContextRequest("a", "base:"), 20);
    assertThrows(MalformedOption.class, () -> MetaContextRequest.decode(ByteBuffer.wrap(trailing)));
  }

  @Test
  void stringsUpTo4096BytesAreAccepted() throws Exception {
    String most = "é".repeat(2048);
    assertEquals(most, ExportRequest.decode(ByteBuffer.wrap(exportRequest(most))).name());
    assertThrows(
        MalformedOption.class,
        () -> ExportRequest.decode(ByteBuffer.wrap(exportRequest(most + "x"))));
    // A length of 2^32-1 is refused before it is compared with what follows.
    assertThrows(
        MalformedOption.class,
        () -> NbdStrings.readSized(ByteBuffer.wrap(hex("ffffffff 61")), "name"));
  }

  @Test
  void stringsWithNulOrInvalidUtf8AreMalformed() {
    for (String bad :
        List.of(
            "00000003 610062",
            "00000002 c328",
            "00000001 ff",
            "00000003 eda080",
            "00000001 80",
            "00000002 c3")) {
      assertThrows(
          MalformedOption.class,
          () -> NbdStrings.readSized(ByteBuffer.wrap(hex(bad)), "name"),
          bad);
    }
  }

  @Test
  void stringReadingConsumesExactlyTheString() throws Exception {
    ByteBuffer b = ByteBuffer.wrap(hex("00000002 c3a9 ff"));
    assertEquals("é", NbdStrings.readSized(b, "name"));
    assertEquals(1, b.remaining());
  }

  private interface Decoder {
    Object decode(ByteBuffer data) throws MalformedOption;
  }

  /** Every proper prefix fails as MalformedOption, never as another exception. */
  private static void everyTruncationIsMalformed(byte[] whole, Decoder decoder) {
    assertFalse(whole.length < 8);
    for (int cut = 0; cut < whole.length; cut++) {
      ByteBuffer prefix = ByteBuffer.wrap(Arrays.copyOf(whole, cut));
      assertThrows(MalformedOption.class, () -> decoder.decode(prefix), "cut at " + cut);
    }
    try {
      decoder.decode(ByteBuffer.wrap(whole));
    } catch (MalformedOption e) {
      throw new AssertionError("the whole message must decode", e);
    }
  }
}
