package dev.mqttls.client.internal;

import dev.mqttls.codec.ReasonCode;
import java.util.Locale;

/** What a refusal's reason code means to the person who has to act on it. */
public final class ReasonTexts {
  private ReasonTexts() {}

  /** The code as {@code 0x86 bad user name or password}. */
  public static String name(ReasonCode code) {
    return String.format(
        Locale.ROOT,
        "0x%02X %s",
        code.code(),
        code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
  }

  /** One sentence on what a CONNACK refusal means and what to do. */
  public static String connackAdvice(ReasonCode code) {
    switch (code) {
      case UNSUPPORTED_PROTOCOL_VERSION:
        return "the broker does not speak this MQTT version; try -V mqttv311";
      case CLIENT_IDENTIFIER_NOT_VALID:
        return "the broker does not accept this client id; pick another with -i";
      case BAD_USER_NAME_OR_PASSWORD:
        return "the broker does not accept this user name or password";
      case NOT_AUTHORIZED:
        return "the broker does not authorize this client (user, certificate or client id)";
      case SERVER_UNAVAILABLE:
        return "the broker is unavailable; try again later";
      case SERVER_BUSY:
        return "the broker is busy; try again later";
      case BANNED:
        return "this client is banned by the broker's administrator";
      case BAD_AUTHENTICATION_METHOD:
        return "the broker does not support this authentication method";
      case TOPIC_NAME_INVALID:
        return "the will topic is not accepted";
      case PACKET_TOO_LARGE:
        return "the CONNECT packet is larger than the broker accepts";
      case QUOTA_EXCEEDED:
        return "a quota on the broker is exceeded";
      case PAYLOAD_FORMAT_INVALID:
        return "the will payload does not match its payload format indicator";
      case RETAIN_NOT_SUPPORTED:
        return "the broker does not support a retained will";
      case QOS_NOT_SUPPORTED:
        return "the broker does not support the will's QoS";
      case USE_ANOTHER_SERVER:
        return "the broker asks the client to use another server for now";
      case SERVER_MOVED:
        return "the broker has moved; use the server it names";
      case CONNECTION_RATE_EXCEEDED:
        return "too many connections too fast; wait before reconnecting";
      case MALFORMED_PACKET:
      case PROTOCOL_ERROR:
        return "the broker found our CONNECT invalid";
      default:
        return "the broker refused the connection";
    }
  }
}
