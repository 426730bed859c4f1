package io.granary.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The CLI's HTTP/1.1 with byte vectors: answers cut at every byte, chunked, cut short, malformed. */
class HttpWireTest {
  private static final String JSON = "{\"detail\":\"volume nope does not exist\"}";

  @Test
  void requestsCarryTheirJsonAndAskToClose() {
    assertEquals(
        "GET /api/v1/pools?x=1 HTTP/1.1\r\nHost: granaryd\r\nAccept: application/json\r\n"
            + "Connection: close\r\n\r\n",
        ascii(HttpWire.request("GET", "/api/v1/pools?x=1", null)));
    assertEquals(
        "POST /api/v1/pools HTTP/1.1\r\nHost: granaryd\r\nAccept: application/json\r\n"
            + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        ascii(HttpWire.request("POST", "/api/v1/pools", bytes("{}"))));
  }

  @Test
  void anAnswerWithContentLengthIsWholeAtItsLastByteAndNotBefore() throws Exception {
    byte[] wire =
        bytes(
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\n"
                + "Content-Length: "
                + JSON.length()
                + "\r\n\r\n"
                + JSON);
    for (int cut = 0; cut < wire.length; cut++) {
      assertNull(HttpWire.answer(wire, cut, false), "complete after " + cut + " bytes");
      int at = cut;
      assertThrows(ProtocolException.class, () -> HttpWire.answer(wire, at, true));
    }
    HttpWire.Answer a = HttpWire.answer(wire, wire.length, false);
    assertEquals(404, a.status());
    assertEquals(JSON, ascii(a.body()));
  }

  @Test
  void aChunkedAnswerIsDechunkedAtEveryCut() throws Exception {
    byte[] wire =
        bytes(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\n{\"a\":\r\n"
                + "3\r\n12}\r\n"
                + "0\r\nX-Trailer: t\r\n\r\n");
    for (int cut = 0; cut < wire.length; cut++) {
      assertNull(HttpWire.answer(wire, cut, false), "complete after " + cut + " bytes");
    }
    HttpWire.Answer a = HttpWire.answer(wire, wire.length, true);
    assertEquals(200, a.status());
    assertEquals("{\"a\":12}", ascii(a.body()));
  }

  @Test
  void withoutALengthTheBodyEndsWhereTheDaemonCloses() throws Exception {
    byte[] wire = bytes("HTTP/1.1 200\r\n\r\n[1,2]");
    assertNull(HttpWire.answer(wire, wire.length, false));
    HttpWire.Answer a = HttpWire.answer(wire, wire.length, true);
    assertEquals(200, a.status());
    assertArrayEquals(bytes("[1,2]"), a.body());
    byte[] empty = bytes("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    assertEquals(0, HttpWire.answer(empty, empty.length, false).body().length);
  }

  @Test
  void whatIsNoHttpAnswerIsRefused() {
    for (String bad :
        new String[] {
          "SSH-2.0-OpenSSH\r\n\r\n",
          "HTTP/1.1 2000 OK\r\n\r\n",
          "HTTP/1.1 abc OK\r\n\r\n",
          "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n"
        }) {
      byte[] wire = bytes(bad);
      ProtocolException e =
          assertThrows(
              ProtocolException.class, () -> HttpWire.answer(wire, wire.length, true), bad);
      assertTrue(!e.getMessage().isEmpty());
    }
  }

  @Test
  void headersLongerThanTheLimitAreRefusedBeforeTheirEnd() throws Exception {
    byte[] wire = new byte[HttpWire.MAX_HEAD + 1];
    Arrays.fill(wire, (byte) 'a');
    assertThrows(ProtocolException.class, () -> HttpWire.answer(wire, wire.length, false));
    assertNull(HttpWire.answer(wire, HttpWire.MAX_HEAD, false));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
