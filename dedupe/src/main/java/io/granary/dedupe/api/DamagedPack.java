package io.granary.dedupe.api;

/**
 * A pack whose header failed verification. Its records are self-describing and each is checked
 * on its own, so they may still read; the header is what ties the pack to its store.
 */
public record DamagedPack(int packId, String reason) {
  public String describe() {
    return String.format("the header of pack %08x is damaged: %s", packId, reason);
  }
}
