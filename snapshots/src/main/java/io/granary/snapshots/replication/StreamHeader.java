package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.StreamRefusedException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a stream carries ({@code docs/format.md} §6): the snapshot it brings (name, time, size,
 * block size, root), where it comes from, and the base it is incremental from. Encoded as
 * {@code key=value} lines, so that a later version can add keys an older reader skips.
 *
 * @param source the sending volume as {@code POOL/VOLUME}, for the receiver's records
 * @param sourceCreated when the sending volume was created (ms): with {@code source}, what tells
 *     one volume from another of the same name
 * @param root the snapshot's root, null for an all-hole volume
 * @param base the snapshot the stream is incremental from, or null for a full stream
 * @param baseRoot that snapshot's root (null for a full stream, or an all-hole base)
 */
public record StreamHeader(
    String source,
    long sourceCreated,
    String snapshot,
    long created,
    long size,
    int blockSize,
    ChunkId root,
    String base,
    ChunkId baseRoot,
    String codec,
    boolean dedupe) {

  /** Bounds a header's encoding; a real one is a few hundred bytes. */
  static final int MAX_BYTES = 64 << 10;

  byte[] encode() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("source", source);
    m.put("source-created", Long.toString(sourceCreated));
    m.put("snapshot", snapshot);
    m.put("created", Long.toString(created));
    m.put("size", Long.toString(size));
    m.put("block-size", Integer.toString(blockSize));
    m.put("root", id(root));
    m.put("base", base == null ? "" : base);
    m.put("base-root", id(baseRoot));
    m.put("codec", codec);
    m.put("dedupe", Boolean.toString(dedupe));
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static StreamHeader decode(byte[] bytes) throws StreamRefusedException {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new StreamRefusedException("malformed stream header line: " + line);
      }
      m.put(line.substring(0, eq), line.substring(eq + 1));
    }
    try {
      String base = required(m, "base");
      return new StreamHeader(
          required(m, "source"),
          Long.parseLong(required(m, "source-created")),
          required(m, "snapshot"),
          Long.parseLong(required(m, "created")),
          Long.parseLong(required(m, "size")),
          Integer.parseInt(required(m, "block-size")),
          id(required(m, "root")),
          base.isEmpty() ? null : base,
          id(required(m, "base-root")),
          required(m, "codec"),
          Boolean.parseBoolean(required(m, "dedupe")));
    } catch (IllegalArgumentException e) {
      throw new StreamRefusedException("malformed stream header: " + e.getMessage(), e);
    }
  }

  private static String required(Map<String, String> m, String key) throws StreamRefusedException {
    String v = m.get(key);
    if (v == null) {
      throw new StreamRefusedException("the stream header has no " + key);
    }
    return v;
  }

  private static String id(ChunkId id) {
    return id == null ? "hole" : id.toString();
  }

  private static ChunkId id(String text) {
    return text.equals("hole") ? null : ChunkId.parse(text);
  }
}
