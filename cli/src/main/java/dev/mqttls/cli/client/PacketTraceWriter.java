package dev.mqttls.cli.client;

import dev.mqttls.client.PacketTrace;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.Unsubscribe;
import java.io.PrintWriter;
import java.util.StringJoiner;

/**
 * {@code -d}: one line per packet, worded as mosquitto_pub/sub's {@code -d} words them ({@code
 * Client ID sending PUBLISH (d0, q1, r0, m1, 'topic', ... (5 bytes))}), never the payload or the
 * password. Written to stderr, so that stdout keeps only the messages.
 */
final class PacketTraceWriter implements PacketTrace {
  private final PrintWriter err;
  private volatile String clientId;

  PacketTraceWriter(PrintWriter err, String clientId) {
    this.err = err;
    this.clientId = clientId == null || clientId.isEmpty() ? "(assigned by the broker)" : clientId;
  }

  @Override
  public void packet(Direction direction, MqttPacket packet) {
    if (packet instanceof Connack c && c.properties() != null) {
      String assigned = c.properties().assignedClientIdentifier();
      if (assigned != null) {
        clientId = assigned;
      }
    }
    String line = line(direction, packet);
    synchronized (err) {
      err.println(line);
      err.flush();
    }
  }

  String line(Direction direction, MqttPacket packet) {
    boolean sent = direction == Direction.SENT;
    StringBuilder sb =
        new StringBuilder("Client ")
            .append(clientId)
            .append(sent ? " sending " : " received ")
            .append(packet.type());
    if (packet instanceof Publish p) {
      sb.append(" (d")
          .append(p.dup() ? 1 : 0)
          .append(", q")
          .append(p.qos().code())
          .append(", r")
          .append(p.retainFlag() ? 1 : 0)
          .append(", m")
          .append(p.packetId())
          .append(", '")
          .append(p.topic())
          .append("', ... (")
          .append(p.payload() == null ? 0 : p.payload().readableBytes())
          .append(" bytes))");
    } else if (packet instanceof Connack c) {
      sb.append(" (").append(c.reasonCode().code()).append(')');
    } else if (packet instanceof Puback a) {
      ack(sb, sent, a.packetId(), a.reasonCode().code(), true);
    } else if (packet instanceof Pubrec r) {
      ack(sb, sent, r.packetId(), r.reasonCode().code(), sent);
    } else if (packet instanceof Pubrel r) {
      ack(sb, sent, r.packetId(), r.reasonCode().code(), false);
    } else if (packet instanceof Pubcomp c) {
      ack(sb, sent, c.packetId(), c.reasonCode().code(), !sent);
    } else if (packet instanceof Subscribe s) {
      StringJoiner j = new StringJoiner(", ", " (Mid: " + s.packetId() + ", ", ")");
      for (Subscription sub : s.subscriptions()) {
        int options =
            (sub.noLocal() ? 0x04 : 0)
                | (sub.retainAsPublished() ? 0x08 : 0)
                | (sub.retainHandling() << 4);
        j.add(
            "Topic: "
                + sub.filter().value()
                + ", QoS: "
                + sub.maxQos().code()
                + ", Options: 0x"
                + String.format(java.util.Locale.ROOT, "%02x", options));
      }
      sb.append(j);
    } else if (packet instanceof Unsubscribe u) {
      StringJoiner j = new StringJoiner(", ", " (Mid: " + u.packetId() + ", ", ")");
      for (TopicFilter f : u.filters()) {
        j.add("Topic: " + f.value());
      }
      sb.append(j);
    } else if (packet instanceof Disconnect d && !sent) {
      sb.append(" (").append(d.reasonCode().code()).append(')');
    }
    return sb.toString();
  }

  /** mosquitto words what it sends as (m1, rc0) and what it receives as (Mid: 1, RC:0). */
  private static void ack(StringBuilder sb, boolean sent, int id, int rc, boolean withCode) {
    if (sent) {
      sb.append(" (m").append(id);
      if (withCode) {
        sb.append(", rc").append(rc);
      }
    } else {
      sb.append(" (Mid: ").append(id);
      if (withCode) {
        sb.append(", RC:").append(rc);
      }
    }
    sb.append(')');
  }
}
