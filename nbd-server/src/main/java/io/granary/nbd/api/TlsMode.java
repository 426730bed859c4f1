package io.granary.nbd.api;

/** Whether the listener offers STARTTLS, and whether it insists on it before any export. */
public enum TlsMode {
  /** No TLS: STARTTLS is answered NBD_REP_ERR_UNSUP. */
  OFF,
  /** Clients may upgrade with STARTTLS; plain clients are served too. */
  OPTIONAL,
  /** Nothing is listed or opened before STARTTLS. */
  REQUIRED
}
