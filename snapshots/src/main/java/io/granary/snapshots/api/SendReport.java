package io.granary.snapshots.api;

/** What a send wrote: the chunks (blocks and map pages) and the stream's bytes. */
public record SendReport(String snapshot, String base, long chunks, long streamBytes) {}
