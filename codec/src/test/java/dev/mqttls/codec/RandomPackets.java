package dev.mqttls.codec;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates valid packets of every type from a seeded {@link Random}, for differential tests. A
 * failing case is reproduced by its seed and index.
 */
final class RandomPackets {
  private static final String[] ALPHABET = {
    "a", "b", "z", "0", "9", "-", "_", " ", "$", "é", "€", "ß", "\u4e2d", "\uD83D\uDE00", "~"
  };

  private final Random r;
  private final MqttVersion v;
  private final boolean v5;

  RandomPackets(Random r, MqttVersion v) {
    this.r = r;
    this.v = v;
    this.v5 = v == MqttVersion.V5;
  }

  String string(int maxLen) {
    int n = r.nextInt(maxLen + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET[r.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  String level() {
    String s = string(6);
    return s.startsWith("$") ? "x" + s : s;
  }

  String topic() {
    int levels = 1 + r.nextInt(4);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < levels; i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(level());
    }
    if (sb.length() == 0) {
      sb.append('t');
    }
    return sb.toString();
  }

  TopicFilter filter() {
    int levels = 1 + r.nextInt(4);
    StringBuilder sb = new StringBuilder();
    if (r.nextInt(6) == 0) {
      sb.append("$share/g").append(r.nextInt(3)).append('/');
    }
    for (int i = 0; i < levels; i++) {
      if (i > 0) {
        sb.append('/');
      }
      int k = r.nextInt(5);
      if (k == 0) {
        sb.append('+');
      } else if (k == 1 && i == levels - 1) {
        sb.append('#');
      } else {
        sb.append(level());
      }
    }
    String f = sb.toString();
    if (TopicFilter.parse(f) == null) {
      f = f + "x"; // an empty last level, e.g. "$share/g0/"
    }
    return TopicFilter.of(f);
  }

  byte[] bytes(int max) {
    byte[] b = new byte[r.nextInt(max + 1)];
    r.nextBytes(b);
    return b;
  }

  Qos qos() {
    return Qos.of(r.nextInt(3));
  }

  int packetId() {
    return 1 + r.nextInt(65535);
  }

  long u32() {
    return r.nextBoolean() ? r.nextInt(1000) : (r.nextLong() & 0xFFFF_FFFFL);
  }

  /** Random properties of the kinds {@code type} allows; {@code will} for will properties. */
  MqttProperties properties(PacketType type, boolean fromClient) {
    if (!v5 || r.nextInt(3) == 0) {
      return MqttProperties.EMPTY;
    }
    MqttProperties.Builder b = MqttProperties.builder();
    boolean p = r.nextBoolean();
    switch (type) {
      case CONNECT:
        if (p) b.sessionExpiryInterval(u32());
        if (r.nextBoolean()) b.receiveMaximum(1 + r.nextInt(65535));
        if (r.nextBoolean()) b.maximumPacketSize(1 + (u32() % 0xFFFF_FFFEL));
        if (r.nextBoolean()) b.topicAliasMaximum(r.nextInt(65536));
        if (r.nextBoolean()) b.requestResponseInformation(r.nextBoolean());
        if (r.nextBoolean()) b.requestProblemInformation(r.nextBoolean());
        if (r.nextBoolean()) {
          b.authenticationMethod(string(8));
          if (r.nextBoolean()) b.authenticationData(bytes(20));
        }
        break;
      case CONNACK:
        if (p) b.sessionExpiryInterval(u32());
        if (r.nextBoolean()) b.receiveMaximum(1 + r.nextInt(65535));
        if (r.nextBoolean()) b.maximumQos(Qos.of(r.nextInt(2)));
        if (r.nextBoolean()) b.retainAvailable(r.nextBoolean());
        if (r.nextBoolean()) b.maximumPacketSize(1 + (u32() % 0xFFFF_FFFEL));
        if (r.nextBoolean()) b.assignedClientIdentifier(string(10));
        if (r.nextBoolean()) b.topicAliasMaximum(r.nextInt(65536));
        if (r.nextBoolean()) b.reasonString(string(20));
        if (r.nextBoolean()) b.wildcardSubscriptionAvailable(r.nextBoolean());
        if (r.nextBoolean()) b.subscriptionIdentifierAvailable(r.nextBoolean());
        if (r.nextBoolean()) b.sharedSubscriptionAvailable(r.nextBoolean());
        if (r.nextBoolean()) b.serverKeepAlive(r.nextInt(65536));
        if (r.nextBoolean()) b.responseInformation(string(10));
        if (r.nextBoolean()) b.serverReference(string(10));
        if (r.nextBoolean()) {
          b.authenticationMethod(string(8));
          if (r.nextBoolean()) b.authenticationData(bytes(20));
        }
        break;
      case PUBLISH:
        if (p) b.payloadFormatIndicator(r.nextInt(2));
        if (r.nextBoolean()) b.messageExpiryInterval(u32());
        if (r.nextBoolean()) b.topicAlias(1 + r.nextInt(65535));
        if (r.nextBoolean()) b.responseTopic(topic());
        if (r.nextBoolean()) b.correlationData(bytes(16));
        if (r.nextBoolean()) b.contentType(string(10));
        if (!fromClient) {
          for (int i = r.nextInt(3); i > 0; i--)
            b.subscriptionIdentifier(1 + r.nextInt(268_435_455));
        }
        break;
      case SUBSCRIBE:
        if (p) b.subscriptionIdentifier(1 + r.nextInt(268_435_455));
        break;
      case DISCONNECT:
        if (p && fromClient) b.sessionExpiryInterval(u32());
        if (r.nextBoolean()) b.reasonString(string(20));
        if (r.nextBoolean() && !fromClient) b.serverReference(string(10));
        break;
      case AUTH:
        b.authenticationMethod(string(8));
        if (p) b.authenticationData(bytes(20));
        if (r.nextBoolean()) b.reasonString(string(20));
        break;
      case UNSUBSCRIBE:
        break;
      default: // acks
        if (p) b.reasonString(string(20));
        break;
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      b.userProperty(string(5), string(8));
    }
    return b.build();
  }

  MqttProperties willProperties() {
    if (!v5 || r.nextBoolean()) {
      return MqttProperties.EMPTY;
    }
    MqttProperties.Builder b = MqttProperties.builder();
    if (r.nextBoolean()) b.willDelayInterval(u32());
    if (r.nextBoolean()) b.payloadFormatIndicator(r.nextInt(2));
    if (r.nextBoolean()) b.messageExpiryInterval(u32());
    if (r.nextBoolean()) b.contentType(string(10));
    if (r.nextBoolean()) b.responseTopic(topic());
    if (r.nextBoolean()) b.correlationData(bytes(16));
    for (int i = r.nextInt(3); i > 0; i--) {
      b.userProperty(string(5), string(8));
    }
    return b.build();
  }

  ReasonCode reason(PacketType type) {
    List<ReasonCode> ok = new ArrayList<>();
    for (ReasonCode rc : ReasonCode.values()) {
      if (rc.isAllowedIn(type)) {
        ok.add(rc);
      }
    }
    return ok.get(r.nextInt(ok.size()));
  }

  /** A random packet of {@code type}, as a client ({@code fromClient}) or server sends it. */
  MqttPacket packet(PacketType type, boolean fromClient) {
    switch (type) {
      case CONNECT:
        {
          Will will = null;
          if (r.nextBoolean()) {
            will =
                new Will(
                    TopicName.of(topic()), bytes(30), qos(), r.nextBoolean(), willProperties());
          }
          boolean clean = r.nextBoolean();
          String id = string(10);
          if (!v5 && id.isEmpty()) {
            clean = true;
          }
          String user = r.nextBoolean() ? string(8) : null;
          byte[] pw = (user != null || v5) && r.nextBoolean() ? bytes(12) : null;
          return new Connect(
              v, id, clean, r.nextInt(65536), user, pw, will, properties(type, true));
        }
      case CONNACK:
        {
          ReasonCode rc = v5 ? reason(type) : ReasonCode.fromV3ConnackCode(r.nextInt(6));
          return new Connack(!rc.isError() && r.nextBoolean(), rc, properties(type, false));
        }
      case PUBLISH:
        {
          Qos q = qos();
          MqttProperties props = properties(type, fromClient);
          String topic = props.topicAlias() != null && r.nextBoolean() ? "" : topic();
          return new Publish(
              q != Qos.AT_MOST_ONCE && r.nextBoolean(),
              q,
              r.nextBoolean(),
              topic,
              q == Qos.AT_MOST_ONCE ? 0 : packetId(),
              props,
              Unpooled.wrappedBuffer(bytes(r.nextInt(8) == 0 ? 3000 : 40)));
        }
      case PUBACK:
        return new Puback(
            packetId(), v5 ? reason(type) : ReasonCode.SUCCESS, properties(type, fromClient));
      case PUBREC:
        return new Pubrec(
            packetId(), v5 ? reason(type) : ReasonCode.SUCCESS, properties(type, fromClient));
      case PUBREL:
        return new Pubrel(
            packetId(), v5 ? reason(type) : ReasonCode.SUCCESS, properties(type, fromClient));
      case PUBCOMP:
        return new Pubcomp(
            packetId(), v5 ? reason(type) : ReasonCode.SUCCESS, properties(type, fromClient));
      case SUBSCRIBE:
        {
          List<Subscription> subs = new ArrayList<>();
          for (int i = 1 + r.nextInt(4); i > 0; i--) {
            TopicFilter f = filter();
            if (v5) {
              subs.add(
                  new Subscription(
                      f, qos(), !f.isShared() && r.nextBoolean(), r.nextBoolean(), r.nextInt(3)));
            } else {
              subs.add(new Subscription(f, qos()));
            }
          }
          return new Subscribe(packetId(), subs, properties(type, true));
        }
      case SUBACK:
        {
          List<ReasonCode> codes = new ArrayList<>();
          for (int i = 1 + r.nextInt(4); i > 0; i--) {
            codes.add(
                v5
                    ? reason(type)
                    : (r.nextInt(4) == 0
                        ? ReasonCode.UNSPECIFIED_ERROR
                        : ReasonCode.granted(qos())));
          }
          return new Suback(packetId(), codes, properties(type, false));
        }
      case UNSUBSCRIBE:
        {
          List<TopicFilter> filters = new ArrayList<>();
          for (int i = 1 + r.nextInt(4); i > 0; i--) {
            filters.add(filter());
          }
          return new Unsubscribe(packetId(), filters, properties(type, true));
        }
      case UNSUBACK:
        {
          List<ReasonCode> codes = new ArrayList<>();
          if (v5) {
            for (int i = 1 + r.nextInt(4); i > 0; i--) {
              codes.add(reason(type));
            }
          }
          return new Unsuback(packetId(), codes, properties(type, false));
        }
      case PINGREQ:
        return Pingreq.INSTANCE;
      case PINGRESP:
        return Pingresp.INSTANCE;
      case DISCONNECT:
        return v5 ? new Disconnect(reason(type), properties(type, fromClient)) : new Disconnect();
      case AUTH:
        {
          if (r.nextInt(4) == 0) {
            return new Auth();
          }
          MqttProperties props = properties(type, fromClient);
          if (props.authenticationMethod() == null) {
            props = props.toBuilder().authenticationMethod("m").build(); // AUTH requires one
          }
          return new Auth(reason(type), props);
        }
      default:
        throw new AssertionError(type);
    }
  }
}
