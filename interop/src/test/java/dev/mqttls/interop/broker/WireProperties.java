package dev.mqttls.interop.broker;

import dev.mqttls.testing.Hex;
import dev.mqttls.testing.RawPacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MQTT 5 properties and PUBLISH fields read straight from packet bytes, independent of our codec,
 * so scripted tests can assert what a broker put on the wire.
 */
final class WireProperties {
  static final int MESSAGE_EXPIRY = 0x02;
  static final int SUBSCRIPTION_ID = 0x0B;
  static final int ASSIGNED_CLIENT_ID = 0x12;
  static final int SERVER_KEEP_ALIVE = 0x13;
  static final int REASON_STRING = 0x1F;
  static final int RECEIVE_MAXIMUM = 0x21;
  static final int TOPIC_ALIAS_MAXIMUM = 0x22;
  static final int TOPIC_ALIAS = 0x23;
  static final int MAXIMUM_PACKET_SIZE = 0x27;

  private WireProperties() {}

  /** Property identifier to its values (a list: user properties and subscription ids repeat). */
  static Map<Integer, List<Object>> parse(byte[] bytes, int offset, int length) {
    Map<Integer, List<Object>> out = new LinkedHashMap<>();
    int i = offset;
    int end = offset + length;
    while (i < end) {
      int id = bytes[i++] & 0xFF;
      Object value;
      switch (id) {
        case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> value = bytes[i++] & 0xFF;
        case 0x13, 0x21, 0x22, 0x23 -> {
          value = u16(bytes, i);
          i += 2;
        }
        case 0x02, 0x11, 0x18, 0x27 -> {
          value = ((long) u16(bytes, i) << 16) | u16(bytes, i + 2);
          i += 4;
        }
        case 0x0B -> {
          int[] read = varInt(bytes, i);
          value = read[0];
          i = read[1];
        }
        case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> {
          int n = u16(bytes, i);
          value = new String(bytes, i + 2, n, StandardCharsets.UTF_8);
          i += 2 + n;
        }
        case 0x09, 0x16 -> {
          int n = u16(bytes, i);
          value = java.util.Arrays.copyOfRange(bytes, i + 2, i + 2 + n);
          i += 2 + n;
        }
        case 0x26 -> {
          int k = u16(bytes, i);
          String key = new String(bytes, i + 2, k, StandardCharsets.UTF_8);
          i += 2 + k;
          int v = u16(bytes, i);
          String val = new String(bytes, i + 2, v, StandardCharsets.UTF_8);
          i += 2 + v;
          value = Map.entry(key, val);
        }
        default ->
            throw new AssertionError(
                "unknown property 0x" + Integer.toHexString(id) + " in " + Hex.encode(bytes));
      }
      out.computeIfAbsent(id, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  /** The properties of a v5 CONNACK. */
  static Map<Integer, List<Object>> ofConnack(RawPacket connack) {
    byte[] b = connack.body();
    int[] len = varInt(b, 2);
    return parse(b, len[1], len[0]);
  }

  /** The properties of a v5 DISCONNECT (empty when it has none). */
  static Map<Integer, List<Object>> ofDisconnect(RawPacket disconnect) {
    byte[] b = disconnect.body();
    if (b.length < 2) {
      return Map.of();
    }
    int[] len = varInt(b, 1);
    return parse(b, len[1], len[0]);
  }

  /** A v5 PUBLISH's fields. */
  record Publish(
      String topic, int qos, int packetId, Map<Integer, List<Object>> properties, String payload) {
    Object first(int property) {
      List<Object> values = properties.get(property);
      return values == null ? null : values.get(0);
    }
  }

  static Publish ofPublish(RawPacket publish) {
    if (publish.type() != RawPacket.PUBLISH) {
      throw new AssertionError("expected PUBLISH, got " + publish);
    }
    byte[] b = publish.body();
    int qos = (publish.flags() >> 1) & 3;
    int topicLength = u16(b, 0);
    String topic = new String(b, 2, topicLength, StandardCharsets.UTF_8);
    int i = 2 + topicLength;
    int packetId = 0;
    if (qos > 0) {
      packetId = u16(b, i);
      i += 2;
    }
    int[] len = varInt(b, i);
    Map<Integer, List<Object>> props = parse(b, len[1], len[0]);
    int payloadStart = len[1] + len[0];
    String payload = new String(b, payloadStart, b.length - payloadStart, StandardCharsets.UTF_8);
    return new Publish(topic, qos, packetId, props, payload);
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  /** {value, index after it}. */
  static int[] varInt(byte[] b, int i) {
    int value = 0;
    int multiplier = 1;
    while (true) {
      int digit = b[i++] & 0xFF;
      value += (digit & 0x7F) * multiplier;
      multiplier *= 128;
      if ((digit & 0x80) == 0) {
        return new int[] {value, i};
      }
    }
  }
}
