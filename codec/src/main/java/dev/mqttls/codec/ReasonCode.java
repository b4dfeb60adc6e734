package dev.mqttls.codec;

/**
 * The MQTT 5 reason codes, one constant per meaning. Where one byte means different things in
 * different packets (0x00 is Success, Normal disconnection or Granted QoS 0) each meaning has its
 * own constant; {@link #forPacket(PacketType, int)} picks the right one when decoding. The MQTT
 * 3.1.1 equivalents are given by {@link #v3ConnackCode()} and {@link #v3SubackCode()}.
 */
public enum ReasonCode {
  /** The operation succeeded (CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK, AUTH). */
  SUCCESS(
      0x00,
      m(PacketType.CONNACK)
          | m(PacketType.PUBACK)
          | m(PacketType.PUBREC)
          | m(PacketType.PUBREL)
          | m(PacketType.PUBCOMP)
          | m(PacketType.UNSUBACK)
          | m(PacketType.AUTH)),
  /** The connection is closed normally and the will is not published (DISCONNECT). */
  NORMAL_DISCONNECTION(0x00, m(PacketType.DISCONNECT)),
  /** The subscription is accepted with maximum QoS 0 (SUBACK). */
  GRANTED_QOS_0(0x00, m(PacketType.SUBACK)),
  /** The subscription is accepted with maximum QoS 1 (SUBACK). */
  GRANTED_QOS_1(0x01, m(PacketType.SUBACK)),
  /** The subscription is accepted with maximum QoS 2 (SUBACK). */
  GRANTED_QOS_2(0x02, m(PacketType.SUBACK)),
  /** The client disconnects but wants its will published (DISCONNECT). */
  DISCONNECT_WITH_WILL_MESSAGE(0x04, m(PacketType.DISCONNECT)),
  /** The message is accepted but no subscriber matches its topic (PUBACK, PUBREC). */
  NO_MATCHING_SUBSCRIBERS(0x10, m(PacketType.PUBACK) | m(PacketType.PUBREC)),
  /** No subscription existed for the filter (UNSUBACK). */
  NO_SUBSCRIPTION_EXISTED(0x11, m(PacketType.UNSUBACK)),
  /** Continue the authentication exchange with another step (AUTH). */
  CONTINUE_AUTHENTICATION(0x18, m(PacketType.AUTH)),
  /** The client starts a re-authentication (AUTH). */
  RE_AUTHENTICATE(0x19, m(PacketType.AUTH)),
  /** The receiver does not want to say why it failed, or no other code applies. */
  UNSPECIFIED_ERROR(
      0x80,
      m(PacketType.CONNACK)
          | m(PacketType.PUBACK)
          | m(PacketType.PUBREC)
          | m(PacketType.SUBACK)
          | m(PacketType.UNSUBACK)
          | m(PacketType.DISCONNECT)),
  /** The packet could not be parsed according to the specification. */
  MALFORMED_PACKET(0x81, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The packet is well formed but not allowed by the protocol at this point. */
  PROTOCOL_ERROR(0x82, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The packet is valid but the receiver will not process it. */
  IMPLEMENTATION_SPECIFIC_ERROR(
      0x83,
      m(PacketType.CONNACK)
          | m(PacketType.PUBACK)
          | m(PacketType.PUBREC)
          | m(PacketType.SUBACK)
          | m(PacketType.UNSUBACK)
          | m(PacketType.DISCONNECT)),
  /** The server does not support the protocol name or level the client asked for (CONNACK). */
  UNSUPPORTED_PROTOCOL_VERSION(0x84, m(PacketType.CONNACK)),
  /** The client identifier is valid UTF-8 but not allowed by the server (CONNACK). */
  CLIENT_IDENTIFIER_NOT_VALID(0x85, m(PacketType.CONNACK)),
  /** The server does not accept the user name or password (CONNACK). */
  BAD_USER_NAME_OR_PASSWORD(0x86, m(PacketType.CONNACK)),
  /** The client is not authorized to do this. */
  NOT_AUTHORIZED(
      0x87,
      m(PacketType.CONNACK)
          | m(PacketType.PUBACK)
          | m(PacketType.PUBREC)
          | m(PacketType.SUBACK)
          | m(PacketType.UNSUBACK)
          | m(PacketType.DISCONNECT)),
  /** The server is not available (CONNACK). */
  SERVER_UNAVAILABLE(0x88, m(PacketType.CONNACK)),
  /** The server is busy; try again later. */
  SERVER_BUSY(0x89, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The client is banned by administrative action (CONNACK). */
  BANNED(0x8A, m(PacketType.CONNACK)),
  /** The server is shutting down (DISCONNECT). */
  SERVER_SHUTTING_DOWN(0x8B, m(PacketType.DISCONNECT)),
  /** The authentication method is not supported or does not match the one in use. */
  BAD_AUTHENTICATION_METHOD(0x8C, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** No packet arrived within 1.5 times the keep-alive interval (DISCONNECT). */
  KEEP_ALIVE_TIMEOUT(0x8D, m(PacketType.DISCONNECT)),
  /** Another connection with the same client identifier took over the session (DISCONNECT). */
  SESSION_TAKEN_OVER(0x8E, m(PacketType.DISCONNECT)),
  /** The topic filter is well formed but not accepted by the server. */
  TOPIC_FILTER_INVALID(
      0x8F, m(PacketType.SUBACK) | m(PacketType.UNSUBACK) | m(PacketType.DISCONNECT)),
  /** The topic name is well formed but not accepted by the receiver. */
  TOPIC_NAME_INVALID(
      0x90,
      m(PacketType.CONNACK)
          | m(PacketType.PUBACK)
          | m(PacketType.PUBREC)
          | m(PacketType.DISCONNECT)),
  /** The packet identifier is already in use. */
  PACKET_IDENTIFIER_IN_USE(
      0x91,
      m(PacketType.PUBACK) | m(PacketType.PUBREC) | m(PacketType.SUBACK) | m(PacketType.UNSUBACK)),
  /** The packet identifier is not known (PUBREL, PUBCOMP). */
  PACKET_IDENTIFIER_NOT_FOUND(0x92, m(PacketType.PUBREL) | m(PacketType.PUBCOMP)),
  /** More QoS 1 and 2 publications arrived than the Receive Maximum allows (DISCONNECT). */
  RECEIVE_MAXIMUM_EXCEEDED(0x93, m(PacketType.DISCONNECT)),
  /** The topic alias is 0, above the Topic Alias Maximum, or unknown (DISCONNECT). */
  TOPIC_ALIAS_INVALID(0x94, m(PacketType.DISCONNECT)),
  /** The packet exceeds the maximum packet size. */
  PACKET_TOO_LARGE(0x95, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The received data rate is too high (DISCONNECT). */
  MESSAGE_RATE_TOO_HIGH(0x96, m(PacketType.DISCONNECT)),
  /** An implementation or administrative quota is exceeded. */
  QUOTA_EXCEEDED(
      0x97,
      m(PacketType.CONNACK)
          | m(PacketType.PUBACK)
          | m(PacketType.PUBREC)
          | m(PacketType.SUBACK)
          | m(PacketType.DISCONNECT)),
  /** The connection is closed by administrative action (DISCONNECT). */
  ADMINISTRATIVE_ACTION(0x98, m(PacketType.DISCONNECT)),
  /** The payload does not match the Payload Format Indicator. */
  PAYLOAD_FORMAT_INVALID(
      0x99,
      m(PacketType.CONNACK)
          | m(PacketType.PUBACK)
          | m(PacketType.PUBREC)
          | m(PacketType.DISCONNECT)),
  /** The server does not support retained messages. */
  RETAIN_NOT_SUPPORTED(0x9A, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The QoS is above the server's Maximum QoS. */
  QOS_NOT_SUPPORTED(0x9B, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The client should temporarily use another server. */
  USE_ANOTHER_SERVER(0x9C, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The client should permanently use another server. */
  SERVER_MOVED(0x9D, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The server does not support shared subscriptions. */
  SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E, m(PacketType.SUBACK) | m(PacketType.DISCONNECT)),
  /** The connection rate limit is exceeded. */
  CONNECTION_RATE_EXCEEDED(0x9F, m(PacketType.CONNACK) | m(PacketType.DISCONNECT)),
  /** The maximum connection time for this connection is exceeded (DISCONNECT). */
  MAXIMUM_CONNECT_TIME(0xA0, m(PacketType.DISCONNECT)),
  /** The server does not support subscription identifiers. */
  SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1, m(PacketType.SUBACK) | m(PacketType.DISCONNECT)),
  /** The server does not support wildcard subscriptions. */
  WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2, m(PacketType.SUBACK) | m(PacketType.DISCONNECT));

  private static final ReasonCode[] VALUES = values();

  private final int code;
  private final int packetMask;

  ReasonCode(int code, int packetMask) {
    this.code = code;
    this.packetMask = packetMask;
  }

  private static int m(PacketType t) {
    return 1 << t.code();
  }

  /** The byte this reason code has on the wire. */
  public int code() {
    return code;
  }

  /** Whether this code reports a failure (codes 0x80 and above). */
  public boolean isError() {
    return code >= 0x80;
  }

  /** Whether the specification allows this reason code in a packet of the given type. */
  public boolean isAllowedIn(PacketType type) {
    return (packetMask & (1 << type.code())) != 0;
  }

  /**
   * The reason code that byte {@code code} stands for in a packet of type {@code type}, or {@code
   * null} when the specification does not allow that byte there.
   */
  public static ReasonCode forPacket(PacketType type, int code) {
    return code >= 0 && code < 256 ? Lookup.TABLE[type.code()][code] : null;
  }

  /** Reason codes by packet type and byte, built once (enum constants cannot see it earlier). */
  private static final class Lookup {
    static final ReasonCode[][] TABLE = new ReasonCode[16][256];

    static {
      for (ReasonCode r : VALUES) {
        for (PacketType t : PacketType.values()) {
          if (r.isAllowedIn(t)) {
            TABLE[t.code()][r.code] = r;
          }
        }
      }
    }
  }

  /**
   * The MQTT 3.1.1 CONNACK return code closest to this reason (0 accepted, 1 unacceptable protocol
   * version, 2 identifier rejected, 3 server unavailable, 4 bad user name or password, 5 not
   * authorized), or -1 when 3.1.1 has none and the server should close without a CONNACK (as for a
   * malformed packet).
   */
  public int v3ConnackCode() {
    switch (this) {
      case SUCCESS:
        return 0;
      case UNSUPPORTED_PROTOCOL_VERSION:
        return 1;
      case CLIENT_IDENTIFIER_NOT_VALID:
        return 2;
      case SERVER_UNAVAILABLE:
      case SERVER_BUSY:
      case SERVER_SHUTTING_DOWN:
      case USE_ANOTHER_SERVER:
      case SERVER_MOVED:
      case CONNECTION_RATE_EXCEEDED:
      case QUOTA_EXCEEDED:
      case IMPLEMENTATION_SPECIFIC_ERROR:
      case UNSPECIFIED_ERROR:
        return 3;
      case BAD_USER_NAME_OR_PASSWORD:
      case BAD_AUTHENTICATION_METHOD:
        return 4;
      case NOT_AUTHORIZED:
      case BANNED:
        return 5;
      default:
        return -1;
    }
  }

  /**
   * The reason code for an MQTT 3.1.1 CONNACK return code.
   *
   * @throws IllegalArgumentException for return codes 6 and above, which 3.1.1 reserves
   */
  public static ReasonCode fromV3ConnackCode(int returnCode) {
    switch (returnCode) {
      case 0:
        return SUCCESS;
      case 1:
        return UNSUPPORTED_PROTOCOL_VERSION;
      case 2:
        return CLIENT_IDENTIFIER_NOT_VALID;
      case 3:
        return SERVER_UNAVAILABLE;
      case 4:
        return BAD_USER_NAME_OR_PASSWORD;
      case 5:
        return NOT_AUTHORIZED;
      default:
        throw new IllegalArgumentException("reserved MQTT 3.1.1 CONNACK return code " + returnCode);
    }
  }

  /**
   * The MQTT 3.1.1 SUBACK return code: the granted QoS (0, 1, 2) for the grant constants, and 0x80
   * (failure) for any error.
   */
  public int v3SubackCode() {
    switch (this) {
      case GRANTED_QOS_0:
        return 0;
      case GRANTED_QOS_1:
        return 1;
      case GRANTED_QOS_2:
        return 2;
      default:
        return 0x80;
    }
  }

  /** The SUBACK reason code that grants {@code qos}. */
  public static ReasonCode granted(Qos qos) {
    switch (qos) {
      case AT_MOST_ONCE:
        return GRANTED_QOS_0;
      case AT_LEAST_ONCE:
        return GRANTED_QOS_1;
      default:
        return GRANTED_QOS_2;
    }
  }
}
