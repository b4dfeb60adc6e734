package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;

/** CONNACK return codes (3.1.1) and reason codes (5.0) in words, with what to change. */
final class ConnackMeaning {
  private ConnackMeaning() {}

  static Finding finding(int level, int rc, boolean user, boolean password, String clientId) {
    String hex = "0x" + Integer.toHexString(rc);
    if (rc == 0) {
      return Finding.pass(
          FindingCode.MQTT_CONNECTED,
          "The broker accepted the MQTT "
              + (level == 5 ? "5" : "3.1.1")
              + " CONNECT as "
              + clientId
              + ".");
    }
    int c = rc;
    if (level == 4) {
      c =
          switch (rc) {
            case 1 -> 0x84;
            case 2 -> 0x85;
            case 3 -> 0x88;
            case 4 -> 0x86;
            case 5 -> 0x87;
            default -> 0x80;
          };
    }
    String code = "CONNACK " + hex;
    return switch (c) {
      case 0x84 ->
          Finding.fail(
              FindingCode.MQTT_PROTOCOL_REFUSED,
              "The broker refused MQTT "
                  + (level == 5 ? "5" : "3.1.1")
                  + " ("
                  + code
                  + ", unacceptable protocol version).",
              level == 5 ? "Try -V mqttv311." : "Enable this protocol version on the broker.");
      case 0x85 ->
          Finding.fail(
              FindingCode.MQTT_CLIENT_ID_REJECTED,
              "The broker refused the client id "
                  + clientId
                  + " ("
                  + code
                  + ", client identifier not valid).",
              "Use a client id the broker accepts (allowed characters, length, or the certificate's CN if use_identity_as_username is set).");
      case 0x86 ->
          Finding.fail(
              FindingCode.MQTT_BAD_CREDENTIALS,
              (user
                      ? "The broker refused the user name or password ("
                      : "The broker wants a user name and password; none were sent (")
                  + code
                  + ", bad user name or password).",
              user
                  ? "Check the user name and password against the broker's password_file."
                  : "Pass -u USER and a password (-P, --pw-file or MQTTLS_PASSWORD).");
      case 0x87 ->
          Finding.fail(
              user || password ? FindingCode.MQTT_BAD_CREDENTIALS : FindingCode.MQTT_NOT_AUTHORIZED,
              user || password
                  ? "The broker refused the connection as not authorized ("
                      + code
                      + "): a user name or password was sent, and this is how Mosquitto answers a wrong one."
                  : "The broker refused the connection as not authorized ("
                      + code
                      + "): it does not admit this client without a user name and password, or refuses its client id "
                      + clientId
                      + " (Mosquitto answers a client id outside clientid_prefixes this way).",
              user || password
                  ? "Check the user name and password against the broker's password_file."
                  : "Pass -u USER and a password, or a client id the broker admits (-i), or allow anonymous access on the broker.");
      case 0x88, 0x89 ->
          Finding.fail(
              FindingCode.MQTT_SERVER_UNAVAILABLE,
              "The broker says it is unavailable or busy (" + code + ").",
              "Retry later; check the broker's connection limits and log.");
      default ->
          Finding.fail(
              FindingCode.MQTT_CONNECT_REFUSED,
              "The broker refused the CONNECT (" + code + ").",
              "Check the broker's log at the time of this probe.");
    };
  }
}
