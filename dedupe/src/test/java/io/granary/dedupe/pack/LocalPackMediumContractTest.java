package io.granary.dedupe.pack;

import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.PackMedium;
import java.io.IOException;
import java.nio.file.Path;

/** The medium contract on the local directory. */
class LocalPackMediumContractTest extends PackMediumContract {
  @Override
  protected PackMedium open(Path spool) throws IOException {
    return ChunkStores.LOCAL.open(spool);
  }
}
