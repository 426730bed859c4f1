package io.granary.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Json reads and writes exactly as the ObjectMapper it replaces: same trees, same bytes. */
class JsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void readsTheTreesReadTreeBuilds() throws Exception {
    for (String doc :
        List.of(
            "{\"name\":\"vm1\",\"size\":10737418240,\"blockSize\":16384,\"origin\":null,"
                + "\"dedupe\":true,\"snapshots\":0,\"usedPercent\":12.5,\"ratio\":1e-3}",
            "[{\"a\":[1,[2,[]],{}]},\"x\",-7,false]",
            "{\"big\":123456789012345678901234567890,\"neg\":-2147483649,\"max\":2147483647}",
            "{\"text\":\"tab\\there, quote \\\" and \\u00e9\\u20ac \\ud83d\\ude00 é\"}",
            "{\"dup\":1,\"dup\":2}",
            "  \"just a string\"  ",
            "42",
            "{} trailing",
            "",
            "   \n")) {
      byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
      JsonNode expected = MAPPER.readTree(bytes);
      JsonNode read = Json.read(bytes);
      assertEquals(expected, read, doc);
      assertEquals(MAPPER.writeValueAsString(expected), MAPPER.writeValueAsString(read), doc);
      assertEquals(nodeTypes(expected), nodeTypes(read), doc);
    }
  }

  @Test
  void refusesWhatReadTreeRefuses() {
    for (String doc : List.of("{\"a\":", "[1,2", "{\"a\" 1}", "nul", "{'a':1}")) {
      byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
      assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(bytes), doc);
      assertThrows(JsonProcessingException.class, () -> Json.read(bytes), doc);
    }
  }

  @Test
  void writesTheBytesWriteValueAsBytesWrites() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "vm1 \"é\"\n\u0001");
    body.put("size", 10737418240L);
    body.put("warnPercent", 80);
    body.put("overcommit", 1.5);
    body.put("tiny", 1e-20);
    body.put("dedupe", false);
    body.put("profile", null);
    body.put("services", List.of("nbd", "fuse"));
    body.put("nested", Map.of("keep", 7));
    body.put("exact", new BigDecimal("1.10"));
    body.put("huge", new BigInteger("123456789012345678901234567890"));
    body.put("empty", new ArrayList<>(Arrays.asList(null, "x")));
    for (Object value : List.of(body, Map.of(), List.of(), "text", 3, List.of(Map.of("a", 1)))) {
      assertArrayEquals(MAPPER.writeValueAsBytes(value), Json.write(value), value.toString());
    }
    assertThrows(IllegalStateException.class, () -> Json.write(Map.of("when", new Object())));
  }

  /** The node class of every node, depth first: IntNode and LongNode are equal to neither. */
  private static List<String> nodeTypes(JsonNode n) {
    List<String> types = new ArrayList<>();
    types.add(n.getClass().getSimpleName());
    n.forEach(child -> types.addAll(nodeTypes(child)));
    return types;
  }
}
