package io.granary.snapshots.api;

/**
 * What a receive did: the snapshot it brought into which volume, from which source, what the
 * stream carried, and whether the volume held that snapshot already (nothing changed then).
 */
public record ReceiveReport(
    String volume,
    String snapshot,
    String source,
    long chunks,
    long payloadBytes,
    long streamBytes,
    boolean alreadyReceived) {}
