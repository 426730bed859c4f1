package io.granary.dedupe.store;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import java.nio.file.Path;

/**
 * The victim of {@link CrashTest}: puts chunks forever, syncs every few puts and prints
 * {@code SYNCED n} once chunks 0..n of its round are durable.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int round = Integer.parseInt(args[1]);
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir).withPackTargetBytes(2 << 20);
    CodecSpec[] codecs = {CodecSpec.LZ4, CodecSpec.zstd(3), CodecSpec.NONE};
    ChunkStore store = ChunkStores.open(config);
    for (int n = 0; ; n++) {
      byte[] d = CrashTest.content(round, n);
      store.put(d, 0, d.length, codecs[n % codecs.length]);
      if (n % 13 == 12) {
        store.sync();
        System.out.println("SYNCED " + n);
        System.out.flush();
      }
    }
  }
}
