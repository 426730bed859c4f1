package io.granary.dedupe.indexbench;

import java.io.IOException;
import java.nio.file.Path;

/** Factory: store name -> adapter opened on a directory (created if missing). */
public final class KvStores {
    public static final String[] NAMES = {"lmdb", "mvstore", "rocksdb"};

    private KvStores() {
    }

    public static KvIndex open(String name, Path dir) throws IOException {
        switch (name) {
            case "lmdb":
                return new LmdbIndex(dir);
            case "mvstore":
                return new MvStoreIndex(dir);
            case "rocksdb":
                return new RocksDbIndex(dir);
            default:
                throw new IllegalArgumentException("unknown store " + name + " (lmdb|mvstore|rocksdb)");
        }
    }
}
