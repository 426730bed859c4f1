package io.granary.appliance.policy;

import java.time.Duration;

/**
 * Automatic snapshots: one every {@code every}; of them the daemon keeps the newest
 * {@code keep} and every one younger than {@code keepFor}, and deletes the rest.
 */
public record SnapshotPolicy(Duration every, int keep, Duration keepFor) {}
