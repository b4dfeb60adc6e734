package dev.mqttls.cli.client;

import dev.mqttls.client.FailureKind;

/**
 * The exit codes of {@code mqttls pub}, {@code sub} and {@code shell}, one per class of failure so
 * that scripts can tell what to fix. Listed in each command's help.
 */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /**
   * A failure of no other class: the connection was lost, the broker refused a publish or
   * subscribe.
   */
  public static final int FAILED = 1;

  /** Wrong usage: unknown or conflicting options, unreadable files, a bad key or password. */
  public static final int USAGE = 2;

  /** The broker could not be reached: unknown host, connection refused. */
  public static final int UNREACHABLE = 3;

  /** The TLS handshake failed (versions, ciphers, an alert, plain MQTT on a TLS port). */
  public static final int TLS_HANDSHAKE = 4;

  /**
   * Certificate verification failed: untrusted, expired, or not naming the host; or ours was
   * refused.
   */
  public static final int CERTIFICATE = 5;

  /** The broker refused CONNECT; the reason code is printed. */
  public static final int REFUSED = 6;

  /** Something took too long: connect, handshake or CONNACK. */
  public static final int TIMEOUT = 7;

  /** {@code sub -W} expired: mosquitto_sub's status for it (libmosquitto's MOSQ_ERR_TIMEOUT). */
  public static final int SUB_TIMED_OUT = 27;

  /** The help text listing the codes. */
  public static final String HELP =
      "%nExit codes:%n"
          + "  0  success%n"
          + "  1  connection lost, or a publish/subscribe refused by the broker%n"
          + "  2  usage: bad options, unreadable files, wrong key password%n"
          + "  3  broker unreachable (unknown host, connection refused)%n"
          + "  4  TLS handshake failed%n"
          + "  5  certificate verification failed (untrusted, expired, wrong host name)%n"
          + "  6  connection refused by the broker (reason code printed)%n"
          + "  7  timeout (connect, handshake, CONNACK)%n"
          + "  27 sub -W expired (as mosquitto_sub)%n";

  private ExitCodes() {}

  /** The exit code for a client failure. */
  public static int of(FailureKind kind) {
    switch (kind) {
      case UNREACHABLE:
        return UNREACHABLE;
      case TLS_HANDSHAKE:
        return TLS_HANDSHAKE;
      case CERTIFICATE:
        return CERTIFICATE;
      case REFUSED:
        return REFUSED;
      case TIMEOUT:
        return TIMEOUT;
      case CONFIGURATION:
        return USAGE;
      default:
        return FAILED;
    }
  }
}
