package dev.mqttls.interop.broker;

import static dev.mqttls.testing.MqttBytes.V5;
import static dev.mqttls.testing.MqttBytes.concat;
import static dev.mqttls.testing.MqttBytes.u16;

import dev.mqttls.testing.Hex;
import dev.mqttls.testing.MqttBytes;
import java.util.Random;

/**
 * The hostile inputs of issue 2, each sent on its own connection. {@code afterConnect} says whether
 * a valid v5 CONNECT (keep-alive {@link #KEEP_ALIVE}) goes first; {@code reasonCode} is the MQTT 5
 * reason code the broker must send (in DISCONNECT, or CONNACK for a refused CONNECT), or -1 when
 * the connection is closed without one; {@code logged} are words the broker's log line must contain
 * besides the client's address.
 */
enum BadInput {
  /** A PUBLISH whose remaining length promises more than is sent, then silence. */
  TRUNCATED_THEN_SILENCE(true, 0x8D, Hex.decode("32 0a 00 03 61 2f 62"), "keep"),
  /** Remaining length of five bytes; four is the maximum (MQTT 5 §1.5.5). */
  REMAINING_LENGTH_5_BYTES(true, 0x81, Hex.decode("30 ff ff ff ff 7f"), "remaining length"),
  /** A PUBLISH over the broker's max_packet_size (the test configures 4096). */
  OVER_MAXIMUM_PACKET_SIZE(
      true, 0x95, MqttBytes.publish(V5, "big", 0, false, 0, new byte[8000]), "packet"),
  /** Wildcards are not allowed in a topic name (MQTT 5 §3.3.2.1): 0x90 (Mosquitto: 0x82). */
  PUBLISH_TO_WILDCARD(
      true, 0x90, 0x82, MqttBytes.publish(V5, "a/+/b", 0, false, 0, new byte[] {1}), "wildcard"),
  /** 0xFF never occurs in UTF-8: Malformed Packet (MQTT 5 §1.5.4). */
  TOPIC_INVALID_UTF8(
      true,
      0x81,
      MqttBytes.publishRawTopic(
          V5, new byte[] {'a', '/', (byte) 0xFF}, 0, false, 0, new byte[] {1}),
      "utf-8"),
  /** A second CONNECT on one connection is a Protocol Error (MQTT 5 §3.1). */
  SECOND_CONNECT(true, 0x82, MqttBytes.connectV5("second", 30, true), "connect"),
  /** Maximum QoS 3 in a SUBSCRIBE is a Protocol Error (MQTT 5 §3.8.3.1; Mosquitto: 0x81). */
  SUBSCRIBE_QOS_3(true, 0x82, 0x81, MqttBytes.subscribe(V5, 1, "ok/topic", 3), "qos"),
  /** The first packet must be CONNECT (MQTT 5 §3.1): here a PUBLISH. */
  FIRST_PACKET_NOT_CONNECT(
      false, -1, MqttBytes.publish(V5, "early", 0, false, 0, new byte[] {1}), "connect"),
  /** Protocol name "MQTX": the broker may answer CONNACK 0x84 and must close (§3.1.2.1). */
  UNKNOWN_PROTOCOL_NAME(
      false, 0x84, MqttBytes.connect("MQTX", 5, 0x02, 30, new byte[0], "mqtx"), "protocol"),
  /** 64 KiB of random bytes instead of a CONNECT. */
  RANDOM_64K(false, -1, random64k(), "");

  /** Keep-alive of the CONNECT sent before the bad input, in seconds. */
  static final int KEEP_ALIVE = 1;

  final boolean afterConnect;

  /** MQTT 5 reason code, or -1 for a close without one. */
  final int reasonCode;

  /** What Mosquitto 2.0.11 sends where MQTT 5 leaves the choice open (e.g. 0x82 for 0x90). */
  final int mosquittoReasonCode;

  final byte[] bytes;
  final String logged;

  BadInput(boolean afterConnect, int reasonCode, byte[] bytes, String logged) {
    this(afterConnect, reasonCode, reasonCode, bytes, logged);
  }

  BadInput(
      boolean afterConnect, int reasonCode, int mosquittoReasonCode, byte[] bytes, String logged) {
    this.afterConnect = afterConnect;
    this.reasonCode = reasonCode;
    this.mosquittoReasonCode = mosquittoReasonCode;
    this.bytes = bytes;
    this.logged = logged;
  }

  private static byte[] random64k() {
    byte[] bytes = new byte[64 * 1024];
    new Random(20261121L).nextBytes(bytes);
    // Whatever the generator gives, the stream must not start as a CONNECT.
    bytes[0] = (byte) 0xA7;
    return bytes;
  }

  /** PUBREL for a packet id the broker never saw (not a connection-closing case in MQTT 5). */
  static byte[] pubrelUnknownId() {
    return MqttBytes.frame(0x62, concat(u16(4242), new byte[] {0x00}));
  }
}
