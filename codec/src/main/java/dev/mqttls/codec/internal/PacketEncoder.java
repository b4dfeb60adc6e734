package dev.mqttls.codec.internal;

import dev.mqttls.codec.Auth;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.PacketType;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.Unsuback;
import dev.mqttls.codec.Unsubscribe;
import dev.mqttls.codec.Will;
import io.netty.buffer.ByteBuf;

/**
 * Computes sizes of and writes every packet type for a protocol version. Sizes are computed first
 * so that each packet goes into one exactly sized buffer. Stateless.
 */
public final class PacketEncoder {
  private PacketEncoder() {}

  /** The remaining length of {@code p} (everything after the fixed header). */
  public static int remainingLength(MqttPacket p, MqttVersion v) {
    boolean v5 = v == MqttVersion.V5;
    switch (p.type()) {
      case CONNECT:
        return connectLength((Connect) p, v);
      case CONNACK:
        {
          Connack c = (Connack) p;
          if (!v5) {
            if (c.reasonCode().v3ConnackCode() < 0) {
              throw new IllegalArgumentException(
                  c.reasonCode() + " has no MQTT 3.1.1 CONNACK return code; close without CONNACK");
            }
            return 2;
          }
          return 2 + propsLength(c.properties());
        }
      case PUBLISH:
        {
          Publish pub = (Publish) p;
          if (!v5 && pub.topic().isEmpty()) {
            throw new IllegalArgumentException("a PUBLISH without topic name needs MQTT 5");
          }
          return publishHeaderLength(pub, v5) + pub.payload().readableBytes();
        }
      case PUBACK:
        return ackLength(((Puback) p).reasonCode(), ((Puback) p).properties(), v5);
      case PUBREC:
        return ackLength(((Pubrec) p).reasonCode(), ((Pubrec) p).properties(), v5);
      case PUBREL:
        return ackLength(((Pubrel) p).reasonCode(), ((Pubrel) p).properties(), v5);
      case PUBCOMP:
        return ackLength(((Pubcomp) p).reasonCode(), ((Pubcomp) p).properties(), v5);
      case SUBSCRIBE:
        {
          Subscribe s = (Subscribe) p;
          int n = 2 + (v5 ? propsLength(s.properties()) : 0);
          for (Subscription sub : s.subscriptions()) {
            n += Wire.stringSize(sub.filter().value()) + 1;
          }
          return n;
        }
      case SUBACK:
        {
          Suback s = (Suback) p;
          return 2 + (v5 ? propsLength(s.properties()) : 0) + s.reasonCodes().size();
        }
      case UNSUBSCRIBE:
        {
          Unsubscribe u = (Unsubscribe) p;
          int n = 2 + (v5 ? propsLength(u.properties()) : 0);
          for (TopicFilter f : u.filters()) {
            n += Wire.stringSize(f.value());
          }
          return n;
        }
      case UNSUBACK:
        {
          Unsuback u = (Unsuback) p;
          return v5 ? 2 + propsLength(u.properties()) + u.reasonCodes().size() : 2;
        }
      case PINGREQ:
      case PINGRESP:
        return 0;
      case DISCONNECT:
        {
          Disconnect d = (Disconnect) p;
          return v5 ? shortReasonLength(d.reasonCode(), d.properties()) : 0;
        }
      case AUTH:
        {
          Auth a = (Auth) p;
          requireV5(v, "AUTH");
          return shortReasonLength(a.reasonCode(), a.properties());
        }
      default:
        throw new AssertionError(p.type());
    }
  }

  /** The whole packet's size: fixed header plus remaining length. */
  public static int packetSize(MqttPacket p, MqttVersion v) {
    int rl = remainingLength(p, v);
    return 1 + Wire.varIntSize(rl) + rl;
  }

  private static void requireV5(MqttVersion v, String what) {
    if (v != MqttVersion.V5) {
      throw new IllegalArgumentException(what + " exists only in MQTT 5, not " + v);
    }
  }

  /** Properties with their length prefix. */
  static int propsLength(MqttProperties props) {
    int n = PropertiesEncoder.size(props, true);
    return Wire.varIntSize(n) + n;
  }

  private static int ackLength(ReasonCode rc, MqttProperties props, boolean v5) {
    if (!v5) {
      return 2;
    }
    if (props.isEmpty()) {
      return rc == ReasonCode.SUCCESS ? 2 : 3;
    }
    return 3 + propsLength(props);
  }

  private static int shortReasonLength(ReasonCode rc, MqttProperties props) {
    if (props.isEmpty()) {
      return rc.code() == 0 ? 0 : 1;
    }
    return 1 + propsLength(props);
  }

  private static int connectLength(Connect c, MqttVersion v) {
    boolean v5 = v == MqttVersion.V5;
    int n = Wire.stringSize(v.protocolName()) + 1 + 1 + 2;
    if (v5) {
      n += propsLength(c.properties());
    }
    n += Wire.stringSize(c.clientId());
    Will w = c.will();
    if (w != null) {
      if (v5) {
        n += propsLength(w.properties());
      }
      n += Wire.stringSize(w.topic().value()) + 2 + w.payloadLength();
    }
    if (c.username() != null) {
      n += Wire.stringSize(c.username());
    }
    if (c.hasPassword()) {
      n += 2 + c.password().length;
    }
    return n;
  }

  /** Topic, packet id and properties of a PUBLISH: its remaining length without the payload. */
  static int publishHeaderLength(Publish p, boolean v5) {
    int n = Wire.stringSize(p.topic());
    if (p.qos().code() > 0) {
      n += 2;
    }
    if (v5) {
      n += propsLength(p.properties());
    }
    return n;
  }

  /** The first byte of the fixed header. */
  public static int firstByte(MqttPacket p) {
    int t = p.type().code() << 4;
    switch (p.type()) {
      case PUBLISH:
        {
          Publish pub = (Publish) p;
          return t | (pub.dup() ? 0x08 : 0) | (pub.qos().code() << 1) | (pub.retainFlag() ? 1 : 0);
        }
      case PUBREL:
      case SUBSCRIBE:
      case UNSUBSCRIBE:
        return t | 0x02;
      default:
        return t;
    }
  }

  /**
   * Writes the whole packet; {@link #remainingLength} has already refused what the version cannot
   * express, so this does not throw for a buffer of the right size. For PUBLISH, writes the payload
   * too only if {@code withPayload}; the caller otherwise appends the payload itself (to share it
   * without copying).
   */
  public static void write(ByteBuf out, MqttPacket p, MqttVersion v, boolean withPayload) {
    write(out, p, v, withPayload, remainingLength(p, v));
  }

  /**
   * As {@link #write(ByteBuf, MqttPacket, MqttVersion, boolean)} with the remaining length known.
   */
  public static void write(ByteBuf out, MqttPacket p, MqttVersion v, boolean withPayload, int rl) {
    boolean v5 = v == MqttVersion.V5;
    out.writeByte(firstByte(p));
    Wire.writeVarInt(out, rl);
    switch (p.type()) {
      case CONNECT:
        writeConnect(out, (Connect) p, v);
        break;
      case CONNACK:
        {
          Connack c = (Connack) p;
          out.writeByte(c.sessionPresent() ? 1 : 0);
          if (v5) {
            out.writeByte(c.reasonCode().code());
            writeProps(out, c.properties());
          } else {
            int code = c.reasonCode().v3ConnackCode();
            if (code < 0) {
              throw new IllegalArgumentException(
                  c.reasonCode() + " has no MQTT 3.1.1 CONNACK return code; close without CONNACK");
            }
            out.writeByte(code);
          }
          break;
        }
      case PUBLISH:
        {
          Publish pub = (Publish) p;
          Wire.writeString(out, pub.topic());
          if (pub.qos().code() > 0) {
            out.writeShort(pub.packetId());
          }
          if (v5) {
            MqttProperties props = pub.properties();
            Integer alias = props.topicAlias();
            writeFanoutProps(
                out,
                PropertiesEncoder.size(props, true),
                alias == null ? 0 : alias,
                props.subscriptionIdentifiers());
            PropertiesEncoder.write(out, props, false);
          }
          if (withPayload) {
            ByteBuf payload = pub.payload();
            out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
          }
          break;
        }
      case PUBACK:
        writeAck(
            out, ((Puback) p).packetId(), ((Puback) p).reasonCode(), ((Puback) p).properties(), v5);
        break;
      case PUBREC:
        writeAck(
            out, ((Pubrec) p).packetId(), ((Pubrec) p).reasonCode(), ((Pubrec) p).properties(), v5);
        break;
      case PUBREL:
        writeAck(
            out, ((Pubrel) p).packetId(), ((Pubrel) p).reasonCode(), ((Pubrel) p).properties(), v5);
        break;
      case PUBCOMP:
        writeAck(
            out,
            ((Pubcomp) p).packetId(),
            ((Pubcomp) p).reasonCode(),
            ((Pubcomp) p).properties(),
            v5);
        break;
      case SUBSCRIBE:
        {
          Subscribe s = (Subscribe) p;
          out.writeShort(s.packetId());
          if (v5) {
            writeProps(out, s.properties());
          }
          for (Subscription sub : s.subscriptions()) {
            Wire.writeString(out, sub.filter().value());
            int opts = sub.maxQos().code();
            if (v5) {
              opts |=
                  (sub.noLocal() ? 0x04 : 0)
                      | (sub.retainAsPublished() ? 0x08 : 0)
                      | (sub.retainHandling() << 4);
            }
            out.writeByte(opts);
          }
          break;
        }
      case SUBACK:
        {
          Suback s = (Suback) p;
          out.writeShort(s.packetId());
          if (v5) {
            writeProps(out, s.properties());
          }
          for (ReasonCode rc : s.reasonCodes()) {
            out.writeByte(v5 ? rc.code() : rc.v3SubackCode());
          }
          break;
        }
      case UNSUBSCRIBE:
        {
          Unsubscribe u = (Unsubscribe) p;
          out.writeShort(u.packetId());
          if (v5) {
            writeProps(out, u.properties());
          }
          for (TopicFilter f : u.filters()) {
            Wire.writeString(out, f.value());
          }
          break;
        }
      case UNSUBACK:
        {
          Unsuback u = (Unsuback) p;
          out.writeShort(u.packetId());
          if (v5) {
            writeProps(out, u.properties());
            for (ReasonCode rc : u.reasonCodes()) {
              out.writeByte(rc.code());
            }
          }
          break;
        }
      case PINGREQ:
      case PINGRESP:
        break;
      case DISCONNECT:
        if (v5) {
          Disconnect d = (Disconnect) p;
          writeShortReason(out, d.reasonCode(), d.properties());
        }
        break;
      case AUTH:
        {
          Auth a = (Auth) p;
          writeShortReason(out, a.reasonCode(), a.properties());
          break;
        }
      default:
        throw new AssertionError(p.type());
    }
  }

  /**
   * Writes the properties length of a PUBLISH and its per-subscriber properties (Topic Alias and
   * Subscription Identifiers, in that order); the shared properties follow. One-off and shared
   * encodings both use this, so they give the same bytes.
   */
  public static void writeFanoutProps(
      ByteBuf out, int propsLength, int topicAlias, java.util.List<Integer> subscriptionIds) {
    Wire.writeVarInt(out, propsLength);
    if (topicAlias > 0) {
      out.writeByte(0x23).writeShort(topicAlias);
    }
    for (int i = 0, n = subscriptionIds.size(); i < n; i++) {
      out.writeByte(0x0B);
      Wire.writeVarInt(out, subscriptionIds.get(i));
    }
  }

  static void writeProps(ByteBuf out, MqttProperties props) {
    int n = PropertiesEncoder.size(props, true);
    Wire.writeVarInt(out, n);
    PropertiesEncoder.write(out, props, true);
  }

  private static void writeAck(
      ByteBuf out, int packetId, ReasonCode rc, MqttProperties props, boolean v5) {
    out.writeShort(packetId);
    if (!v5) {
      return;
    }
    if (props.isEmpty()) {
      if (rc != ReasonCode.SUCCESS) {
        out.writeByte(rc.code());
      }
      return;
    }
    out.writeByte(rc.code());
    writeProps(out, props);
  }

  private static void writeShortReason(ByteBuf out, ReasonCode rc, MqttProperties props) {
    if (props.isEmpty()) {
      if (rc.code() != 0) {
        out.writeByte(rc.code());
      }
      return;
    }
    out.writeByte(rc.code());
    writeProps(out, props);
  }

  private static void writeConnect(ByteBuf out, Connect c, MqttVersion v) {
    boolean v5 = v == MqttVersion.V5;
    Wire.writeString(out, v.protocolName());
    out.writeByte(v.protocolLevel() | (c.bridge() ? 0x80 : 0));
    Will w = c.will();
    int flags = (c.cleanStart() ? 0x02 : 0);
    if (w != null) {
      flags |= 0x04 | (w.qos().code() << 3) | (w.retain() ? 0x20 : 0);
    }
    if (c.hasPassword()) {
      flags |= 0x40;
    }
    if (c.username() != null) {
      flags |= 0x80;
    }
    out.writeByte(flags);
    out.writeShort(c.keepAlive());
    if (v5) {
      writeProps(out, c.properties());
    }
    Wire.writeString(out, c.clientId());
    if (w != null) {
      if (v5) {
        writeProps(out, w.properties());
      }
      Wire.writeString(out, w.topic().value());
      Wire.writeBinary(out, w.payload());
    }
    if (c.username() != null) {
      Wire.writeString(out, c.username());
    }
    if (c.hasPassword()) {
      Wire.writeBinary(out, c.password());
    }
  }

  /** Whether {@code type} may be sent by a client ({@code true}) or only by a server. */
  public static boolean sentByClient(PacketType type) {
    switch (type) {
      case CONNECT:
      case SUBSCRIBE:
      case UNSUBSCRIBE:
      case PINGREQ:
        return true;
      default:
        return false;
    }
  }
}
