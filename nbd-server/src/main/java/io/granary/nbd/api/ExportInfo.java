package io.granary.nbd.api;

/**
 * What a client learns about one export before opening it: its name ({@code POOL/VOLUME} or
 * {@code POOL/VOLUME@SNAP}), a description for humans, size, preferred block size, and
 * whether it is read-only.
 */
public record ExportInfo(
    String name, String description, long size, int blockSize, boolean readOnly) {}
