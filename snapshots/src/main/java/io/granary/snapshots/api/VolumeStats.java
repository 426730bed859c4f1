package io.granary.snapshots.api;

/**
 * Space figures of one volume. {@code allocatedBytes}: blocks of the head that hold data;
 * {@code uniqueBytes}: blocks that only this volume and its snapshots reference;
 * {@code sharedBytes}: blocks it references that other volumes (clones, other VMs with the
 * same content) reference too. Block counts times the block size, before compression.
 */
public record VolumeStats(
    String name,
    long size,
    long bytesWritten,
    long allocatedBytes,
    long uniqueBytes,
    long sharedBytes) {}
