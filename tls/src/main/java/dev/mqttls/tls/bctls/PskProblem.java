package dev.mqttls.tls.bctls;

/** What went wrong with a client's PSK, as far as the server can tell. */
public enum PskProblem {
  /** The client's identity is not in the psk_file. */
  UNKNOWN_IDENTITY,
  /** The identity is known, but the client's key is not the one in the psk_file. */
  KEY_MISMATCH
}
