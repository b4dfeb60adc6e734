package dev.mqttls.cli.client;

import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.codec.UserProperty;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One received message as one line of JSON: {@code topic}, {@code qos}, {@code retain}, {@code
 * payload} (UTF-8 text when it decodes as such, else base64 with {@code "encoding":"base64"}), and
 * the MQTT 5 {@code properties} that are set.
 */
final class JsonMessage {
  private JsonMessage() {}

  static String of(Message m) {
    StringBuilder sb = new StringBuilder(64 + m.payloadSize());
    sb.append("{\"topic\":");
    string(sb, m.topic());
    sb.append(",\"qos\":").append(m.qos().code());
    sb.append(",\"retain\":").append(m.retain());
    byte[] payload = m.payload();
    String text = utf8(payload);
    if (text != null) {
      sb.append(",\"payload\":");
      string(sb, text);
      sb.append(",\"encoding\":\"utf-8\"");
    } else {
      sb.append(",\"payload\":\"").append(Base64.getEncoder().encodeToString(payload)).append('"');
      sb.append(",\"encoding\":\"base64\"");
    }
    MessageProperties p = m.properties();
    if (!p.isEmpty()) {
      sb.append(",\"properties\":{");
      int start = sb.length();
      p.payloadUtf8()
          .ifPresent(u -> field(sb, start, "payload_format_indicator").append(u ? 1 : 0));
      p.messageExpirySeconds()
          .ifPresent(s -> field(sb, start, "message_expiry_interval").append(s));
      p.contentType().ifPresent(s -> string(field(sb, start, "content_type"), s));
      p.responseTopic().ifPresent(s -> string(field(sb, start, "response_topic"), s));
      p.correlationData()
          .ifPresent(
              d -> {
                String t = utf8(d);
                string(
                    field(sb, start, "correlation_data"),
                    t != null ? t : Base64.getEncoder().encodeToString(d));
              });
      if (!p.userProperties().isEmpty()) {
        field(sb, start, "user_properties").append('[');
        boolean first = true;
        for (UserProperty u : p.userProperties()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          sb.append("{\"name\":");
          string(sb, u.name());
          sb.append(",\"value\":");
          string(sb, u.value());
          sb.append('}');
        }
        sb.append(']');
      }
      if (!p.subscriptionIdentifiers().isEmpty()) {
        field(sb, start, "subscription_identifiers")
            .append(p.subscriptionIdentifiers().toString().replace(" ", ""));
      }
      sb.append('}');
    }
    return sb.append('}').toString();
  }

  private static StringBuilder field(StringBuilder sb, int start, String name) {
    if (sb.length() > start) {
      sb.append(',');
    }
    return sb.append('"').append(name).append("\":");
  }

  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static void string(StringBuilder sb, String s) {
    JsonWriter.quote(sb, s);
  }
}
