package io.granary.nbd.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The data of NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT. */
public record MetaContextRequest(String exportName, List<String> queries) {
  /** Bounds the work one option can ask for; no real client sends more than a few. */
  public static final int MAX_QUERIES = 128;

  public static MetaContextRequest decode(ByteBuffer data) throws MalformedOption {
    String name = NbdStrings.readSized(data, "export name");
    if (data.remaining() < 4) {
      throw new MalformedOption("query count missing");
    }
    long n = Integer.toUnsignedLong(data.getInt());
    if (n > MAX_QUERIES) {
      throw new MalformedOption(n + " meta context queries, at most " + MAX_QUERIES);
    }
    List<String> queries = new ArrayList<>((int) n);
    for (int i = 0; i < n; i++) {
      queries.add(NbdStrings.readSized(data, "meta context query"));
    }
    if (data.hasRemaining()) {
      throw new MalformedOption(data.remaining() + " bytes after the last query");
    }
    return new MetaContextRequest(name, List.copyOf(queries));
  }
}
