package io.granary.dedupe.api;

import java.util.ArrayList;
import java.util.List;

/** Changes to {@link Catalog} tables, applied together in the order they were added. */
public final class CatalogBatch {
  /** One change: a put when {@code value} is non-null, else a delete. */
  public record Change(String table, byte[] key, byte[] value) {}

  private final List<Change> changes = new ArrayList<>();

  public CatalogBatch put(String table, byte[] key, byte[] value) {
    changes.add(new Change(table, key.clone(), value.clone()));
    return this;
  }

  public CatalogBatch delete(String table, byte[] key) {
    changes.add(new Change(table, key.clone(), null));
    return this;
  }

  public List<Change> changes() {
    return List.copyOf(changes);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }
}
