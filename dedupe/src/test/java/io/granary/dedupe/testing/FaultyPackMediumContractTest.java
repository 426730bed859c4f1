package io.granary.dedupe.testing;

import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.pack.PackMediumContract;
import java.io.IOException;
import java.nio.file.Path;

/** The medium contract on the fault-injecting wrapper with no fault set: it changes nothing. */
class FaultyPackMediumContractTest extends PackMediumContract {
  private final FaultyMedium faults = new FaultyMedium();

  @Override
  protected PackMedium open(Path spool) throws IOException {
    return faults.packs(ChunkStores.LOCAL.open(spool));
  }
}
