package io.granary.nbd.protocol;

/**
 * What was agreed for one connection's export, as far as request validation needs it: its size,
 * whether it is read-only, and which negotiated extensions the client may use.
 */
public record ExportTerms(
    long size,
    boolean readOnly,
    boolean structuredReplies,
    boolean blockStatus,
    boolean fastZero,
    int maxPayload) {}
