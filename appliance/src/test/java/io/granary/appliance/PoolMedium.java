package io.granary.appliance;

/** Where an integration test's pool keeps its packs; tests that take it run on each. */
enum PoolMedium {
  /** The daemon's {@code default} pool, in its data directory. */
  LOCAL,
  /** A pool whose packs go to a {@link TestBucket} on a real S3 server. */
  BUCKET
}
