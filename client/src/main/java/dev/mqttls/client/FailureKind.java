package dev.mqttls.client;

/**
 * Why a client operation failed, one class per kind of remedy. The {@code mqttls} commands map each
 * to its own exit code.
 */
public enum FailureKind {
  /** The broker's address did not resolve, or nothing accepted the TCP connection. */
  UNREACHABLE,
  /**
   * The TLS handshake failed for a reason other than certificate verification (versions, suites,
   * alerts, plain TCP on a TLS port).
   */
  TLS_HANDSHAKE,
  /**
   * The broker's certificate was not trusted or did not name the host connected to, or the broker
   * refused ours.
   */
  CERTIFICATE,
  /** The broker answered CONNECT with a refusal; the reason code says why. */
  REFUSED,
  /**
   * The broker did not answer in time (TCP connect, TLS handshake, CONNACK or an acknowledgement).
   */
  TIMEOUT,
  /**
   * The broker sent something the protocol does not allow, or refused an operation with a reason
   * code.
   */
  PROTOCOL,
  /** The connection was lost or closed before the operation completed. */
  CONNECTION_LOST,
  /** The offline buffer was full and its policy dropped or refused the message. */
  BUFFER_FULL,
  /** The client was closed by the application. */
  CLOSED,
  /** The client's own TLS material or configuration could not be loaded. */
  CONFIGURATION
}
