package io.granary.dedupe.api;

import java.io.IOException;

/**
 * A failure of the chunk store that callers handle by kind (its {@link Kind}), as opposed to
 * a plain {@link IOException} from the medium. Front ends map the kind to EIO, ENOSPC and so on.
 */
public class StoreException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for the tables that map failures to errno and NBD error codes. */
  public enum Kind {
    /** The id is not in the store. */
    MISSING_CHUNK,
    /** The chunk's record is damaged: its checksum, header or content hash does not match. */
    CORRUPT_CHUNK,
    /** The medium is full; nothing already stored was harmed. */
    NO_SPACE,
    /** The directory is not a chunk store of a format this version reads. */
    BAD_FORMAT,
    /** Another process has the store open. */
    LOCKED,
    /** The store was closed. */
    CLOSED,
    /** A chunk offered from outside does not match its id; nothing was stored. */
    INVALID_CHUNK
  }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
