package io.granary.snapshots.api;

import java.util.List;

/**
 * The byte ranges of one volume or snapshot ({@code VOLUME} or {@code VOLUME@SNAP}) whose
 * blocks are stored in chunks a scrub found damaged, so their reads fail; or, with {@code
 * mapUnreadable}, a state whose block map itself could not be read past {@code ranges} (then
 * which of its blocks are lost is not known).
 */
public record DamagedBlocks(String state, List<Extent> ranges, boolean mapUnreadable) {}
