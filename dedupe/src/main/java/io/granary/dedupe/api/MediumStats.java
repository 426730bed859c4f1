package io.granary.dedupe.api;

/**
 * What a pack medium has done and holds: for an object store, its requests, the uploads still
 * to do and the read cache; for the local directory, nothing (all zero).
 *
 * @param uploadBacklogBytes sealed packs' bytes not yet in the object store (only in the spool)
 * @param uploadFailures failed upload attempts since the store opened (each retried)
 * @param lastUploadFailure why uploads fail now (the last attempt failed), or null
 * @param requests requests made, by kind: PUT, GET, HEAD, DELETE, LIST
 * @param requestErrors requests that failed (after the client's own retries)
 * @param requestRetries attempts the client made again within requests (throttling, 5xx, a
 *     dropped connection)
 * @param throttledNanos time requests spent waiting for the pool's request-rate and bandwidth
 *     limits, all threads together
 */
public record MediumStats(
    long uploadBacklogBytes,
    int uploadBacklogPacks,
    long uploadFailures,
    String lastUploadFailure,
    long cacheBytes,
    long cacheCapBytes,
    long cacheHits,
    long cacheMisses,
    Requests requests,
    long requestErrors,
    long requestRetries,
    long bytesUploaded,
    long bytesDownloaded,
    long throttledNanos) {

  /** Requests by kind. */
  public record Requests(long put, long get, long head, long delete, long list) {
    public long total() {
      return put + get + head + delete + list;
    }
  }

  /** A medium with no requests, backlog or cache: the local directory. */
  public static final MediumStats NONE =
      new MediumStats(0, 0, 0, null, 0, 0, 0, 0, new Requests(0, 0, 0, 0, 0), 0, 0, 0, 0, 0);
}
