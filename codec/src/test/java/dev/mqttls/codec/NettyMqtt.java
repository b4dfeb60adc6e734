package dev.mqttls.codec;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;

/** Converts between our packets and netty-codec-mqtt's messages, the oracle. */
final class NettyMqtt {
  private NettyMqtt() {}

  /** The channel attribute netty-codec-mqtt keeps the connection's version in. */
  static final AttributeKey<io.netty.handler.codec.mqtt.MqttVersion> VERSION_KEY =
      AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

  static io.netty.handler.codec.mqtt.MqttVersion version(MqttVersion v) {
    switch (v) {
      case V3_1:
        return io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1;
      case V3_1_1:
        return io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1;
      default:
        return io.netty.handler.codec.mqtt.MqttVersion.MQTT_5;
    }
  }

  // ---- properties -------------------------------------------------------------------------

  static io.netty.handler.codec.mqtt.MqttProperties props(MqttProperties p) {
    io.netty.handler.codec.mqtt.MqttProperties n = new io.netty.handler.codec.mqtt.MqttProperties();
    intProp(n, 0x01, p.payloadFormatIndicator());
    longProp(n, 0x02, p.messageExpiryInterval());
    strProp(n, 0x03, p.contentType());
    strProp(n, 0x08, p.responseTopic());
    binProp(n, 0x09, p.correlationData());
    for (int id : p.subscriptionIdentifiers()) {
      intProp(n, 0x0B, id);
    }
    longProp(n, 0x11, p.sessionExpiryInterval());
    strProp(n, 0x12, p.assignedClientIdentifier());
    intProp(n, 0x13, p.serverKeepAlive());
    strProp(n, 0x15, p.authenticationMethod());
    binProp(n, 0x16, p.authenticationData());
    boolProp(n, 0x17, p.requestProblemInformation());
    longProp(n, 0x18, p.willDelayInterval());
    boolProp(n, 0x19, p.requestResponseInformation());
    strProp(n, 0x1A, p.responseInformation());
    strProp(n, 0x1C, p.serverReference());
    strProp(n, 0x1F, p.reasonString());
    intProp(n, 0x21, p.receiveMaximum());
    intProp(n, 0x22, p.topicAliasMaximum());
    intProp(n, 0x23, p.topicAlias());
    intProp(n, 0x24, p.maximumQos() == null ? null : p.maximumQos().code());
    boolProp(n, 0x25, p.retainAvailable());
    if (!p.userProperties().isEmpty()) {
      io.netty.handler.codec.mqtt.MqttProperties.UserProperties u =
          new io.netty.handler.codec.mqtt.MqttProperties.UserProperties();
      for (UserProperty up : p.userProperties()) {
        u.add(up.name(), up.value());
      }
      n.add(u);
    }
    longProp(n, 0x27, p.maximumPacketSize());
    boolProp(n, 0x28, p.wildcardSubscriptionAvailable());
    boolProp(n, 0x29, p.subscriptionIdentifierAvailable());
    boolProp(n, 0x2A, p.sharedSubscriptionAvailable());
    return n;
  }

  private static void intProp(io.netty.handler.codec.mqtt.MqttProperties n, int id, Integer v) {
    if (v != null) {
      n.add(new io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty(id, v));
    }
  }

  private static void longProp(io.netty.handler.codec.mqtt.MqttProperties n, int id, Long v) {
    if (v != null) {
      n.add(new io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty(id, (int) (long) v));
    }
  }

  private static void boolProp(io.netty.handler.codec.mqtt.MqttProperties n, int id, Boolean v) {
    if (v != null) {
      n.add(new io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty(id, v ? 1 : 0));
    }
  }

  private static void strProp(io.netty.handler.codec.mqtt.MqttProperties n, int id, String v) {
    if (v != null) {
      n.add(new io.netty.handler.codec.mqtt.MqttProperties.StringProperty(id, v));
    }
  }

  private static void binProp(io.netty.handler.codec.mqtt.MqttProperties n, int id, byte[] v) {
    if (v != null) {
      n.add(new io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty(id, v));
    }
  }

  static MqttProperties props(io.netty.handler.codec.mqtt.MqttProperties n) {
    // Not n.isEmpty(): netty 4.1.115's isEmpty() ignores user properties and subscription ids.
    if (n == null || n.listAll().isEmpty()) {
      return MqttProperties.EMPTY;
    }
    MqttProperties.Builder b = MqttProperties.builder();
    for (io.netty.handler.codec.mqtt.MqttProperties.MqttProperty<?> p : n.listAll()) {
      Object v = p.value();
      switch (p.propertyId()) {
        case 0x01 -> b.payloadFormatIndicator((Integer) v);
        case 0x02 -> b.messageExpiryInterval(Integer.toUnsignedLong((Integer) v));
        case 0x03 -> b.contentType((String) v);
        case 0x08 -> b.responseTopic((String) v);
        case 0x09 -> b.correlationData((byte[]) v);
        case 0x0B -> b.subscriptionIdentifier((Integer) v);
        case 0x11 -> b.sessionExpiryInterval(Integer.toUnsignedLong((Integer) v));
        case 0x12 -> b.assignedClientIdentifier((String) v);
        case 0x13 -> b.serverKeepAlive((Integer) v);
        case 0x15 -> b.authenticationMethod((String) v);
        case 0x16 -> b.authenticationData((byte[]) v);
        case 0x17 -> b.requestProblemInformation((Integer) v == 1);
        case 0x18 -> b.willDelayInterval(Integer.toUnsignedLong((Integer) v));
        case 0x19 -> b.requestResponseInformation((Integer) v == 1);
        case 0x1A -> b.responseInformation((String) v);
        case 0x1C -> b.serverReference((String) v);
        case 0x1F -> b.reasonString((String) v);
        case 0x21 -> b.receiveMaximum((Integer) v);
        case 0x22 -> b.topicAliasMaximum((Integer) v);
        case 0x23 -> b.topicAlias((Integer) v);
        case 0x24 -> b.maximumQos(Qos.of((Integer) v));
        case 0x25 -> b.retainAvailable((Integer) v == 1);
        case 0x26 -> {
          @SuppressWarnings("unchecked")
          List<io.netty.handler.codec.mqtt.MqttProperties.StringPair> pairs =
              (List<io.netty.handler.codec.mqtt.MqttProperties.StringPair>) v;
          for (io.netty.handler.codec.mqtt.MqttProperties.StringPair sp : pairs) {
            b.userProperty(sp.key, sp.value);
          }
        }
        case 0x27 -> b.maximumPacketSize(Integer.toUnsignedLong((Integer) v));
        case 0x28 -> b.wildcardSubscriptionAvailable((Integer) v == 1);
        case 0x29 -> b.subscriptionIdentifierAvailable((Integer) v == 1);
        case 0x2A -> b.sharedSubscriptionAvailable((Integer) v == 1);
        default -> throw new AssertionError("property " + p.propertyId());
      }
    }
    return b.build();
  }

  // ---- packets ----------------------------------------------------------------------------

  private static MqttFixedHeader fixed(MqttMessageType t, MqttQoS qos) {
    return new MqttFixedHeader(t, false, qos, false, 0);
  }

  /** Our packet as netty's message (a PUBLISH shares, and retains, the payload). */
  static MqttMessage toNetty(MqttPacket packet, MqttVersion v) {
    boolean v5 = v == MqttVersion.V5;
    switch (packet.type()) {
      case CONNECT:
        {
          Connect c = (Connect) packet;
          Will w = c.will();
          MqttConnectVariableHeader vh =
              new MqttConnectVariableHeader(
                  v.protocolName(),
                  v.protocolLevel(),
                  c.username() != null,
                  c.hasPassword(),
                  w != null && w.retain(),
                  w == null ? 0 : w.qos().code(),
                  w != null,
                  c.cleanStart(),
                  c.keepAlive(),
                  props(c.properties()));
          MqttConnectPayload pl =
              new MqttConnectPayload(
                  c.clientId(),
                  w == null
                      ? io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES
                      : props(w.properties()),
                  w == null ? null : w.topic().value(),
                  w == null ? null : w.payload(),
                  c.username(),
                  c.password());
          return new MqttConnectMessage(
              fixed(MqttMessageType.CONNECT, MqttQoS.AT_MOST_ONCE), vh, pl);
        }
      case CONNACK:
        {
          Connack c = (Connack) packet;
          int code = v5 ? c.reasonCode().code() : c.reasonCode().v3ConnackCode();
          return new MqttConnAckMessage(
              fixed(MqttMessageType.CONNACK, MqttQoS.AT_MOST_ONCE),
              new MqttConnAckVariableHeader(
                  MqttConnectReturnCode.valueOf((byte) code),
                  c.sessionPresent(),
                  props(c.properties())));
        }
      case PUBLISH:
        {
          Publish p = (Publish) packet;
          return new MqttPublishMessage(
              new MqttFixedHeader(
                  MqttMessageType.PUBLISH,
                  p.dup(),
                  MqttQoS.valueOf(p.qos().code()),
                  p.retainFlag(),
                  0),
              new MqttPublishVariableHeader(
                  p.topic(),
                  p.qos() == Qos.AT_MOST_ONCE ? -1 : p.packetId(),
                  props(p.properties())),
              p.payload().retainedDuplicate());
        }
      case PUBACK:
        return pubReply(
            MqttMessageType.PUBACK,
            ((Puback) packet).packetId(),
            ((Puback) packet).reasonCode(),
            ((Puback) packet).properties(),
            v5);
      case PUBREC:
        return pubReply(
            MqttMessageType.PUBREC,
            ((Pubrec) packet).packetId(),
            ((Pubrec) packet).reasonCode(),
            ((Pubrec) packet).properties(),
            v5);
      case PUBREL:
        return pubReply(
            MqttMessageType.PUBREL,
            ((Pubrel) packet).packetId(),
            ((Pubrel) packet).reasonCode(),
            ((Pubrel) packet).properties(),
            v5);
      case PUBCOMP:
        return pubReply(
            MqttMessageType.PUBCOMP,
            ((Pubcomp) packet).packetId(),
            ((Pubcomp) packet).reasonCode(),
            ((Pubcomp) packet).properties(),
            v5);
      case SUBSCRIBE:
        {
          Subscribe s = (Subscribe) packet;
          List<MqttTopicSubscription> subs = new ArrayList<>();
          for (Subscription sub : s.subscriptions()) {
            subs.add(
                new MqttTopicSubscription(
                    sub.filter().value(),
                    new MqttSubscriptionOption(
                        MqttQoS.valueOf(sub.maxQos().code()),
                        sub.noLocal(),
                        sub.retainAsPublished(),
                        MqttSubscriptionOption.RetainedHandlingPolicy.valueOf(
                            sub.retainHandling()))));
          }
          return new MqttSubscribeMessage(
              fixed(MqttMessageType.SUBSCRIBE, MqttQoS.AT_LEAST_ONCE),
              new MqttMessageIdAndPropertiesVariableHeader(s.packetId(), props(s.properties())),
              new MqttSubscribePayload(subs));
        }
      case SUBACK:
        {
          Suback s = (Suback) packet;
          int[] codes =
              s.reasonCodes().stream().mapToInt(rc -> v5 ? rc.code() : rc.v3SubackCode()).toArray();
          return MqttMessageFactory.newMessage(
              fixed(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE),
              new MqttMessageIdAndPropertiesVariableHeader(s.packetId(), props(s.properties())),
              new MqttSubAckPayload(codes));
        }
      case UNSUBSCRIBE:
        {
          Unsubscribe u = (Unsubscribe) packet;
          List<String> topics = new ArrayList<>();
          for (TopicFilter f : u.filters()) {
            topics.add(f.value());
          }
          return new MqttUnsubscribeMessage(
              fixed(MqttMessageType.UNSUBSCRIBE, MqttQoS.AT_LEAST_ONCE),
              new MqttMessageIdAndPropertiesVariableHeader(u.packetId(), props(u.properties())),
              new MqttUnsubscribePayload(topics));
        }
      case UNSUBACK:
        {
          Unsuback u = (Unsuback) packet;
          short[] codes = new short[u.reasonCodes().size()];
          for (int i = 0; i < codes.length; i++) {
            codes[i] = (short) u.reasonCodes().get(i).code();
          }
          return MqttMessageFactory.newMessage(
              fixed(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
              v5
                  ? new MqttMessageIdAndPropertiesVariableHeader(
                      u.packetId(), props(u.properties()))
                  : MqttMessageIdVariableHeader.from(u.packetId()),
              v5 ? new MqttUnsubAckPayload(codes) : null);
        }
      case PINGREQ:
        return MqttMessage.PINGREQ;
      case PINGRESP:
        return MqttMessage.PINGRESP;
      case DISCONNECT:
        {
          Disconnect d = (Disconnect) packet;
          if (!v5) {
            return MqttMessage.DISCONNECT;
          }
          return new MqttMessage(
              fixed(MqttMessageType.DISCONNECT, MqttQoS.AT_MOST_ONCE),
              new MqttReasonCodeAndPropertiesVariableHeader(
                  (byte) d.reasonCode().code(), props(d.properties())));
        }
      case AUTH:
        {
          Auth a = (Auth) packet;
          return new MqttMessage(
              fixed(MqttMessageType.AUTH, MqttQoS.AT_MOST_ONCE),
              new MqttReasonCodeAndPropertiesVariableHeader(
                  (byte) a.reasonCode().code(), props(a.properties())));
        }
      default:
        throw new AssertionError(packet.type());
    }
  }

  private static MqttMessage pubReply(
      MqttMessageType t, int id, ReasonCode rc, MqttProperties p, boolean v5) {
    MqttFixedHeader fh =
        fixed(t, t == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE);
    if (!v5) {
      return MqttMessageFactory.newMessage(fh, MqttMessageIdVariableHeader.from(id), null);
    }
    return MqttMessageFactory.newMessage(
        fh, new MqttPubReplyMessageVariableHeader(id, (byte) rc.code(), props(p)), null);
  }

  /** Netty's decoded message as our packet (a PUBLISH retains netty's payload). */
  static MqttPacket fromNetty(MqttMessage m, MqttVersion v) {
    if (m.decoderResult().isFailure()) {
      throw new AssertionError(
          "netty could not decode: " + m.decoderResult().cause(), m.decoderResult().cause());
    }
    boolean v5 = v == MqttVersion.V5;
    MqttFixedHeader fh = m.fixedHeader();
    switch (fh.messageType()) {
      case CONNECT:
        {
          MqttConnectMessage c = (MqttConnectMessage) m;
          MqttConnectVariableHeader vh = c.variableHeader();
          MqttConnectPayload pl = c.payload();
          Will will = null;
          if (vh.isWillFlag()) {
            will =
                new Will(
                    TopicName.of(pl.willTopic()),
                    pl.willMessageInBytes(),
                    Qos.of(vh.willQos()),
                    vh.isWillRetain(),
                    props(pl.willProperties()));
          }
          return new Connect(
              MqttVersion.of(vh.name(), vh.version()),
              pl.clientIdentifier(),
              vh.isCleanSession(),
              vh.keepAliveTimeSeconds(),
              vh.hasUserName() ? pl.userName() : null,
              vh.hasPassword() ? pl.passwordInBytes() : null,
              will,
              props(vh.properties()));
        }
      case CONNACK:
        {
          MqttConnAckVariableHeader vh = ((MqttConnAckMessage) m).variableHeader();
          int code = vh.connectReturnCode().byteValue() & 0xFF;
          ReasonCode rc =
              v5
                  ? ReasonCode.forPacket(PacketType.CONNACK, code)
                  : ReasonCode.fromV3ConnackCode(code);
          return new Connack(vh.isSessionPresent(), rc, props(vh.properties()));
        }
      case PUBLISH:
        {
          MqttPublishMessage p = (MqttPublishMessage) m;
          MqttPublishVariableHeader vh = p.variableHeader();
          Qos q = Qos.of(fh.qosLevel().value());
          return new Publish(
              fh.isDup(),
              q,
              fh.isRetain(),
              vh.topicName(),
              q == Qos.AT_MOST_ONCE ? 0 : vh.packetId(),
              props(vh.properties()),
              p.payload().retain());
        }
      case PUBACK:
      case PUBREC:
      case PUBREL:
      case PUBCOMP:
        {
          Object vh = m.variableHeader();
          int id = ((MqttMessageIdVariableHeader) vh).messageId();
          ReasonCode rc = ReasonCode.SUCCESS;
          MqttProperties p = MqttProperties.EMPTY;
          PacketType t = PacketType.of(fh.messageType().value());
          if (vh instanceof MqttPubReplyMessageVariableHeader r) {
            rc = ReasonCode.forPacket(t, r.reasonCode() & 0xFF);
            p = props(r.properties());
          }
          switch (t) {
            case PUBACK:
              return new Puback(id, rc, p);
            case PUBREC:
              return new Pubrec(id, rc, p);
            case PUBREL:
              return new Pubrel(id, rc, p);
            default:
              return new Pubcomp(id, rc, p);
          }
        }
      case SUBSCRIBE:
        {
          MqttSubscribeMessage s = (MqttSubscribeMessage) m;
          List<Subscription> subs = new ArrayList<>();
          for (MqttTopicSubscription ts : s.payload().topicSubscriptions()) {
            MqttSubscriptionOption o = ts.option();
            subs.add(
                new Subscription(
                    TopicFilter.of(ts.topicFilter()),
                    Qos.of(o.qos().value()),
                    o.isNoLocal(),
                    o.isRetainAsPublished(),
                    o.retainHandling().value()));
          }
          MqttMessageIdAndPropertiesVariableHeader vh = s.idAndPropertiesVariableHeader();
          return new Subscribe(vh.messageId(), subs, props(vh.properties()));
        }
      case SUBACK:
        {
          MqttSubAckPayload pl = (MqttSubAckPayload) m.payload();
          List<ReasonCode> codes = new ArrayList<>();
          for (int code : pl.reasonCodes()) {
            if (v5) {
              codes.add(ReasonCode.forPacket(PacketType.SUBACK, code));
            } else {
              codes.add(
                  code == 0x80 ? ReasonCode.UNSPECIFIED_ERROR : ReasonCode.granted(Qos.of(code)));
            }
          }
          return new Suback(idOf(m), codes, propsOf(m));
        }
      case UNSUBSCRIBE:
        {
          MqttUnsubscribeMessage u = (MqttUnsubscribeMessage) m;
          List<TopicFilter> filters = new ArrayList<>();
          for (String t : u.payload().topics()) {
            filters.add(TopicFilter.of(t));
          }
          return new Unsubscribe(idOf(m), filters, propsOf(m));
        }
      case UNSUBACK:
        {
          List<ReasonCode> codes = new ArrayList<>();
          if (v5 && m.payload() != null) {
            for (short code : ((MqttUnsubAckPayload) m.payload()).unsubscribeReasonCodes()) {
              codes.add(ReasonCode.forPacket(PacketType.UNSUBACK, code & 0xFF));
            }
          }
          return new Unsuback(idOf(m), codes, propsOf(m));
        }
      case PINGREQ:
        return Pingreq.INSTANCE;
      case PINGRESP:
        return Pingresp.INSTANCE;
      case DISCONNECT:
        {
          if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader r) {
            return new Disconnect(
                ReasonCode.forPacket(PacketType.DISCONNECT, r.reasonCode() & 0xFF),
                props(r.properties()));
          }
          return new Disconnect();
        }
      case AUTH:
        {
          if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader r) {
            return new Auth(
                ReasonCode.forPacket(PacketType.AUTH, r.reasonCode() & 0xFF),
                props(r.properties()));
          }
          return new Auth();
        }
      default:
        throw new AssertionError(fh.messageType());
    }
  }

  private static int idOf(MqttMessage m) {
    return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
  }

  private static MqttProperties propsOf(MqttMessage m) {
    if (m.variableHeader() instanceof MqttMessageIdAndPropertiesVariableHeader h) {
      return props(h.properties());
    }
    return MqttProperties.EMPTY;
  }
}
