package dev.mqttls.codec.internal;

import static dev.mqttls.codec.ReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
import static dev.mqttls.codec.ReasonCode.MALFORMED_PACKET;
import static dev.mqttls.codec.ReasonCode.PROTOCOL_ERROR;
import static dev.mqttls.codec.ReasonCode.TOPIC_ALIAS_INVALID;
import static dev.mqttls.codec.ReasonCode.TOPIC_NAME_INVALID;
import static dev.mqttls.codec.ReasonCode.UNSUPPORTED_PROTOCOL_VERSION;

import dev.mqttls.codec.Auth;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.PacketType;
import dev.mqttls.codec.Pingreq;
import dev.mqttls.codec.Pingresp;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.TopicName;
import dev.mqttls.codec.Unsuback;
import dev.mqttls.codec.Unsubscribe;
import dev.mqttls.codec.UserProperty;
import dev.mqttls.codec.Will;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decodes the body of one framed packet: a cursor over {@code [idx, end)} of the cumulation buffer.
 * One instance per channel, reused for every packet (not thread-safe). Every violation throws a
 * {@link DecodeException} with the reason code the MQTT 5 specification assigns; the section
 * numbers refer to MQTT 5.0 (OASIS, 2019).
 */
public final class PacketDecoder {
  /** Pseudo packet-type bit for will properties in the property tables. */
  private static final int WILL = 1;

  private static final int CONNECT = 1 << 1;
  private static final int CONNACK = 1 << 2;
  private static final int PUBLISH = 1 << 3;
  private static final int PUBACK = 1 << 4;
  private static final int PUBREC = 1 << 5;
  private static final int PUBREL = 1 << 6;
  private static final int PUBCOMP = 1 << 7;
  private static final int SUBSCRIBE = 1 << 8;
  private static final int SUBACK = 1 << 9;
  private static final int UNSUBSCRIBE = 1 << 10;
  private static final int UNSUBACK = 1 << 11;
  private static final int DISCONNECT = 1 << 14;
  private static final int AUTH = 1 << 15;
  private static final int ALL = 0xFFFF & ~(1 << 12) & ~(1 << 13);
  private static final int ACKS = PUBACK | PUBREC | PUBREL | PUBCOMP | SUBACK | UNSUBACK;

  /** Packet types (bits) each property identifier may appear in (section 2.2.2.2). */
  private static final int[] ALLOWED = new int[0x2B];

  /** Property names for error messages. */
  private static final String[] NAMES = new String[0x2B];

  static {
    allow(0x01, "Payload Format Indicator", PUBLISH | WILL);
    allow(0x02, "Message Expiry Interval", PUBLISH | WILL);
    allow(0x03, "Content Type", PUBLISH | WILL);
    allow(0x08, "Response Topic", PUBLISH | WILL);
    allow(0x09, "Correlation Data", PUBLISH | WILL);
    allow(0x0B, "Subscription Identifier", PUBLISH | SUBSCRIBE);
    allow(0x11, "Session Expiry Interval", CONNECT | CONNACK | DISCONNECT);
    allow(0x12, "Assigned Client Identifier", CONNACK);
    allow(0x13, "Server Keep Alive", CONNACK);
    allow(0x15, "Authentication Method", CONNECT | CONNACK | AUTH);
    allow(0x16, "Authentication Data", CONNECT | CONNACK | AUTH);
    allow(0x17, "Request Problem Information", CONNECT);
    allow(0x18, "Will Delay Interval", WILL);
    allow(0x19, "Request Response Information", CONNECT);
    allow(0x1A, "Response Information", CONNACK);
    allow(0x1C, "Server Reference", CONNACK | DISCONNECT);
    allow(0x1F, "Reason String", CONNACK | ACKS | DISCONNECT | AUTH);
    allow(0x21, "Receive Maximum", CONNECT | CONNACK);
    allow(0x22, "Topic Alias Maximum", CONNECT | CONNACK);
    allow(0x23, "Topic Alias", PUBLISH);
    allow(0x24, "Maximum QoS", CONNACK);
    allow(0x25, "Retain Available", CONNACK);
    allow(0x26, "User Property", ALL | WILL);
    allow(0x27, "Maximum Packet Size", CONNECT | CONNACK);
    allow(0x28, "Wildcard Subscription Available", CONNACK);
    allow(0x29, "Subscription Identifier Available", CONNACK);
    allow(0x2A, "Shared Subscription Available", CONNACK);
  }

  private static void allow(int id, String name, int packets) {
    ALLOWED[id] = packets;
    NAMES[id] = name;
  }

  private final boolean server;
  private ByteBuf in;
  private int idx;
  private int end;
  private PacketType type;
  private MqttVersion announced;

  /** A decoder for packets a client sends ({@code server} true) or a server sends. */
  public PacketDecoder(boolean server) {
    this.server = server;
  }

  /**
   * The version the last CONNECT announced, known as soon as its protocol name and level were read
   * (so also when the rest of it was refused), or {@code null}.
   */
  public MqttVersion announcedVersion() {
    return announced;
  }

  /**
   * Decodes the packet of type {@code type} with fixed-header flags {@code flags} whose body is
   * {@code [start, start + length)} of {@code buf}, for {@code version} ({@code null}: only CONNECT
   * is expected). Does not move the buffer's reader index. A PUBLISH's payload is a retained slice
   * of {@code buf}.
   */
  public MqttPacket decode(
      ByteBuf buf, PacketType type, int flags, int start, int length, MqttVersion version)
      throws DecodeException {
    this.in = buf;
    this.idx = start;
    this.end = start + length;
    this.type = type;
    boolean v5 = version == MqttVersion.V5;
    try {
      switch (type) {
        case CONNECT:
          return connect();
        case CONNACK:
          return connack(v5);
        case PUBLISH:
          return publish(flags, v5);
        case PUBACK:
        case PUBREC:
        case PUBREL:
        case PUBCOMP:
          return ack(v5);
        case SUBSCRIBE:
          return subscribe(v5);
        case SUBACK:
          return suback(v5);
        case UNSUBSCRIBE:
          return unsubscribe(v5);
        case UNSUBACK:
          return unsuback(v5);
        case PINGREQ:
          requireEnd();
          return Pingreq.INSTANCE;
        case PINGRESP:
          requireEnd();
          return Pingresp.INSTANCE;
        case DISCONNECT:
          return disconnect(v5);
        case AUTH:
          return auth();
        default:
          throw new AssertionError(type);
      }
    } finally {
      this.in = null;
    }
  }

  // ---- primitives -------------------------------------------------------------------------

  private DecodeException malformed(String cause) {
    return new DecodeException(MALFORMED_PACKET, cause);
  }

  private void need(int n, String what) throws DecodeException {
    if (end - idx < n) {
      throw malformed("packet ends inside " + what);
    }
  }

  private int u8(String what) throws DecodeException {
    need(1, what);
    return in.getByte(idx++) & 0xFF;
  }

  private int u16(String what) throws DecodeException {
    need(2, what);
    int v = in.getUnsignedShort(idx);
    idx += 2;
    return v;
  }

  private long u32(String what) throws DecodeException {
    need(4, what);
    long v = in.getUnsignedInt(idx);
    idx += 4;
    return v;
  }

  /** A variable byte integer, at most 4 bytes and minimally encoded (section 1.5.5). */
  private int varInt(String what) throws DecodeException {
    int value = 0;
    int shift = 0;
    for (int i = 0; i < 4; i++) {
      int b = u8(what);
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (i > 0 && b == 0) {
          throw malformed(what + " is not minimally encoded");
        }
        return value;
      }
      shift += 7;
    }
    throw malformed(what + " is longer than 4 bytes");
  }

  private int packetId() throws DecodeException {
    int id = u16("packet identifier");
    if (id == 0) {
      throw new DecodeException(PROTOCOL_ERROR, "packet identifier is 0");
    }
    return id;
  }

  /** An MQTT UTF-8 string (section 1.5.4). */
  private String string(String what) throws DecodeException {
    int len = u16(what + " length");
    need(len, what);
    int r = Utf8Decoder.check(in, idx, len);
    if (r != Utf8Decoder.OK) {
      throw malformed(what + (r == Utf8Decoder.NUL ? " contains U+0000" : " is not valid UTF-8"));
    }
    String s = Utf8Decoder.decode(in, idx, len);
    idx += len;
    return s;
  }

  private byte[] binary(String what) throws DecodeException {
    int len = u16(what + " length");
    need(len, what);
    byte[] b = new byte[len];
    in.getBytes(idx, b);
    idx += len;
    return b;
  }

  private void requireEnd() throws DecodeException {
    if (idx != end) {
      throw malformed((end - idx) + " unexpected trailing bytes");
    }
  }

  private ReasonCode reasonCode(PacketType t) throws DecodeException {
    int code = u8("reason code");
    ReasonCode rc = ReasonCode.forPacket(t, code);
    if (rc == null) {
      throw malformed(
          String.format(Locale.ROOT, "reason code 0x%02X is not defined for %s", code, t));
    }
    return rc;
  }

  // ---- properties -------------------------------------------------------------------------

  /** Reads a property block; {@code packetBit} selects the allowed set. */
  private MqttProperties properties(int packetBit, String where) throws DecodeException {
    int len = varInt("property length");
    if (len == 0) {
      return MqttProperties.EMPTY;
    }
    need(len, "properties");
    int propsEnd = idx + len;
    int outerEnd = end;
    end = propsEnd;
    long seen = 0;
    MqttProperties.Builder b = MqttProperties.builder();
    try {
      while (idx < propsEnd) {
        int id = varInt("property identifier");
        if (id >= ALLOWED.length || NAMES[id] == null) {
          throw malformed(
              String.format(Locale.ROOT, "unknown property identifier 0x%02X in %s", id, where));
        }
        String name = NAMES[id];
        if ((ALLOWED[id] & packetBit) == 0) {
          throw malformed(name + " is not allowed in " + where);
        }
        if (id != 0x26 && !(id == 0x0B && packetBit == PUBLISH)) {
          if ((seen & (1L << id)) != 0) {
            throw new DecodeException(PROTOCOL_ERROR, name + " appears twice in " + where);
          }
          seen |= 1L << id;
        }
        property(b, id, name);
      }
    } finally {
      end = outerEnd;
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new DecodeException(PROTOCOL_ERROR, e.getMessage() + " in " + where);
    }
  }

  private int bool(String name) throws DecodeException {
    int v = u8(name);
    if (v > 1) {
      throw new DecodeException(PROTOCOL_ERROR, name + " must be 0 or 1, was " + v);
    }
    return v;
  }

  private void property(MqttProperties.Builder b, int id, String name) throws DecodeException {
    switch (id) {
      case 0x01:
        b.payloadFormatIndicator(bool(name));
        break;
      case 0x02:
        b.messageExpiryInterval(u32(name));
        break;
      case 0x03:
        b.contentType(string(name));
        break;
      case 0x08:
        {
          String t = string(name);
          if (TopicName.problem(t) != null) {
            throw new DecodeException(PROTOCOL_ERROR, name + " " + TopicName.problem(t));
          }
          b.responseTopic(t);
          break;
        }
      case 0x09:
        b.correlationData(binary(name));
        break;
      case 0x0B:
        {
          int v = varInt(name);
          if (v == 0) {
            throw new DecodeException(PROTOCOL_ERROR, name + " is 0");
          }
          b.subscriptionIdentifier(v);
          break;
        }
      case 0x11:
        b.sessionExpiryInterval(u32(name));
        break;
      case 0x12:
        b.assignedClientIdentifier(string(name));
        break;
      case 0x13:
        b.serverKeepAlive(u16(name));
        break;
      case 0x15:
        b.authenticationMethod(string(name));
        break;
      case 0x16:
        b.authenticationData(binary(name));
        break;
      case 0x17:
        b.requestProblemInformation(bool(name) == 1);
        break;
      case 0x18:
        b.willDelayInterval(u32(name));
        break;
      case 0x19:
        b.requestResponseInformation(bool(name) == 1);
        break;
      case 0x1A:
        b.responseInformation(string(name));
        break;
      case 0x1C:
        b.serverReference(string(name));
        break;
      case 0x1F:
        b.reasonString(string(name));
        break;
      case 0x21:
        {
          int v = u16(name);
          if (v == 0) {
            throw new DecodeException(PROTOCOL_ERROR, name + " is 0");
          }
          b.receiveMaximum(v);
          break;
        }
      case 0x22:
        b.topicAliasMaximum(u16(name));
        break;
      case 0x23:
        {
          int v = u16(name);
          if (v == 0) {
            throw new DecodeException(TOPIC_ALIAS_INVALID, name + " is 0");
          }
          b.topicAlias(v);
          break;
        }
      case 0x24:
        b.maximumQos(Qos.of(bool(name)));
        break;
      case 0x25:
        b.retainAvailable(bool(name) == 1);
        break;
      case 0x26:
        b.userProperty(
            new UserProperty(string("user property name"), string("user property value")));
        break;
      case 0x27:
        {
          long v = u32(name);
          if (v == 0) {
            throw new DecodeException(PROTOCOL_ERROR, name + " is 0");
          }
          b.maximumPacketSize(v);
          break;
        }
      case 0x28:
        b.wildcardSubscriptionAvailable(bool(name) == 1);
        break;
      case 0x29:
        b.subscriptionIdentifierAvailable(bool(name) == 1);
        break;
      case 0x2A:
        b.sharedSubscriptionAvailable(bool(name) == 1);
        break;
      default:
        throw new AssertionError(id);
    }
  }

  // ---- packets ----------------------------------------------------------------------------

  private Connect connect() throws DecodeException {
    int nameLen = u16("protocol name length");
    need(nameLen, "protocol name");
    String protocolName = in.toString(idx, nameLen, java.nio.charset.StandardCharsets.ISO_8859_1);
    idx += nameLen;
    int level = u8("protocol level");
    MqttVersion version = MqttVersion.of(protocolName, level);
    announced = version;
    if (version == null) {
      throw new DecodeException(
          UNSUPPORTED_PROTOCOL_VERSION,
          "unknown protocol name '" + Utf8.shown(protocolName) + "' with level " + level);
    }
    boolean v5 = version == MqttVersion.V5;
    int flags = u8("connect flags");
    if ((flags & 0x01) != 0) {
      throw malformed("reserved connect flag bit 0 is set");
    }
    boolean cleanStart = (flags & 0x02) != 0;
    boolean willFlag = (flags & 0x04) != 0;
    int willQos = (flags >> 3) & 0x03;
    boolean willRetain = (flags & 0x20) != 0;
    boolean hasPassword = (flags & 0x40) != 0;
    boolean hasUsername = (flags & 0x80) != 0;
    if (willQos == 3) {
      throw malformed("will QoS is 3");
    }
    if (!willFlag && (willQos != 0 || willRetain)) {
      throw malformed("will QoS or will retain set without the will flag");
    }
    if (!v5 && hasPassword && !hasUsername) {
      throw malformed("password flag set without user name flag");
    }
    int keepAlive = u16("keep alive");
    MqttProperties props = v5 ? properties(CONNECT, "CONNECT") : MqttProperties.EMPTY;
    if (props.authenticationData() != null && props.authenticationMethod() == null) {
      throw new DecodeException(
          PROTOCOL_ERROR, "Authentication Data without Authentication Method");
    }
    String clientId = string("client identifier");
    if (version == MqttVersion.V3_1 && (clientId.isEmpty() || clientId.length() > 23)) {
      throw new DecodeException(
          CLIENT_IDENTIFIER_NOT_VALID, "MQTT 3.1 client identifier must be 1 to 23 characters");
    }
    if (!v5 && clientId.isEmpty() && !cleanStart) {
      throw new DecodeException(
          CLIENT_IDENTIFIER_NOT_VALID, "empty client identifier needs clean session");
    }
    Will will = null;
    if (willFlag) {
      MqttProperties willProps = v5 ? properties(WILL, "will properties") : MqttProperties.EMPTY;
      String topic = string("will topic");
      String problem = TopicName.problem(topic);
      if (problem != null) {
        throw new DecodeException(TOPIC_NAME_INVALID, "will topic " + problem);
      }
      byte[] payload = binary("will payload");
      will = new Will(new TopicName(topic), payload, Qos.of(willQos), willRetain, willProps);
    }
    String username = hasUsername ? string("user name") : null;
    byte[] password = hasPassword ? binary("password") : null;
    requireEnd();
    return new Connect(version, clientId, cleanStart, keepAlive, username, password, will, props);
  }

  private Connack connack(boolean v5) throws DecodeException {
    int ackFlags = u8("connect acknowledge flags");
    if ((ackFlags & 0xFE) != 0) {
      throw malformed("reserved connect acknowledge flag bits are set");
    }
    boolean sessionPresent = ackFlags == 1;
    ReasonCode rc;
    MqttProperties props = MqttProperties.EMPTY;
    if (v5) {
      rc = reasonCode(PacketType.CONNACK);
      props = properties(CONNACK, "CONNACK");
    } else {
      int code = u8("return code");
      if (code > 5) {
        throw malformed("reserved CONNACK return code " + code);
      }
      rc = ReasonCode.fromV3ConnackCode(code);
    }
    requireEnd();
    if (sessionPresent && rc.isError()) {
      throw new DecodeException(PROTOCOL_ERROR, "session present set on a refusing CONNACK");
    }
    return new Connack(sessionPresent, rc, props);
  }

  private Publish publish(int flags, boolean v5) throws DecodeException {
    int qosCode = (flags >> 1) & 0x03;
    if (qosCode == 3) {
      throw malformed("PUBLISH QoS is 3");
    }
    boolean dup = (flags & 0x08) != 0;
    if (dup && qosCode == 0) {
      throw malformed("DUP set on a QoS 0 PUBLISH");
    }
    String topic = string("topic name");
    int packetId = qosCode > 0 ? packetId() : 0;
    MqttProperties props = MqttProperties.EMPTY;
    if (v5) {
      props = properties(PUBLISH, "PUBLISH");
      if (server && !props.subscriptionIdentifiers().isEmpty()) {
        throw new DecodeException(
            PROTOCOL_ERROR, "a client's PUBLISH must not carry a Subscription Identifier");
      }
    }
    if (topic.isEmpty()) {
      if (props.topicAlias() == null) {
        throw new DecodeException(
            PROTOCOL_ERROR, "topic name is empty and there is no topic alias");
      }
    } else {
      for (int i = 0, n = topic.length(); i < n; i++) {
        char c = topic.charAt(i);
        if (c == '+' || c == '#') {
          throw new DecodeException(
              TOPIC_NAME_INVALID,
              "topic name '" + Utf8.shown(topic) + "' contains the wildcard '" + c + "'");
        }
      }
    }
    ByteBuf payload = in.retainedSlice(idx, end - idx);
    idx = end;
    try {
      return new Publish(
          dup, Qos.of(qosCode), (flags & 0x01) != 0, topic, packetId, props, payload);
    } catch (RuntimeException e) {
      payload.release(); // the checks above should make this unreachable; never leak on it
      throw e;
    }
  }

  private MqttPacket ack(boolean v5) throws DecodeException {
    int id = packetId();
    ReasonCode rc = ReasonCode.SUCCESS;
    MqttProperties props = MqttProperties.EMPTY;
    if (v5 && idx < end) {
      rc = reasonCode(type);
      if (idx < end) {
        props = properties(1 << type.code(), type.name());
      }
    }
    requireEnd();
    switch (type) {
      case PUBACK:
        return new Puback(id, rc, props);
      case PUBREC:
        return new Pubrec(id, rc, props);
      case PUBREL:
        return new Pubrel(id, rc, props);
      default:
        return new Pubcomp(id, rc, props);
    }
  }

  private TopicFilter filter() throws DecodeException {
    String f = string("topic filter");
    TopicFilter tf = TopicFilter.parse(f);
    if (tf == null) {
      throw malformed("topic filter " + TopicFilter.problem(f));
    }
    return tf;
  }

  private Subscribe subscribe(boolean v5) throws DecodeException {
    int id = packetId();
    MqttProperties props = v5 ? properties(SUBSCRIBE, "SUBSCRIBE") : MqttProperties.EMPTY;
    List<Subscription> subs = new ArrayList<>(4);
    while (idx < end) {
      TopicFilter tf = filter();
      int opts = u8("subscription options");
      int qos = opts & 0x03;
      if (qos == 3) {
        // MQTT 5 section 3.8.3.1 calls this a Protocol Error; 3.1.1 calls it malformed.
        throw new DecodeException(
            v5 ? PROTOCOL_ERROR : MALFORMED_PACKET,
            "subscription QoS is 3 for '" + Utf8.shown(tf.value()) + "'");
      }
      if ((opts & (v5 ? 0xC0 : 0xFC)) != 0) {
        throw malformed(
            "reserved subscription option bits are set for '" + Utf8.shown(tf.value()) + "'");
      }
      boolean noLocal = (opts & 0x04) != 0;
      int retainHandling = (opts >> 4) & 0x03;
      if (retainHandling == 3) {
        throw new DecodeException(
            PROTOCOL_ERROR, "Retain Handling is 3 for '" + Utf8.shown(tf.value()) + "'");
      }
      if (noLocal && tf.isShared()) {
        throw new DecodeException(
            PROTOCOL_ERROR,
            "No Local set on the shared subscription '" + Utf8.shown(tf.value()) + "'");
      }
      subs.add(new Subscription(tf, Qos.of(qos), noLocal, (opts & 0x08) != 0, retainHandling));
    }
    if (subs.isEmpty()) {
      throw new DecodeException(PROTOCOL_ERROR, "SUBSCRIBE without any topic filter");
    }
    return new Subscribe(id, subs, props);
  }

  private Suback suback(boolean v5) throws DecodeException {
    int id = packetId();
    MqttProperties props = v5 ? properties(SUBACK, "SUBACK") : MqttProperties.EMPTY;
    List<ReasonCode> codes = new ArrayList<>(4);
    while (idx < end) {
      if (v5) {
        codes.add(reasonCode(PacketType.SUBACK));
      } else {
        int c = u8("return code");
        if (c == 0x80) {
          codes.add(ReasonCode.UNSPECIFIED_ERROR);
        } else if (c <= 2) {
          codes.add(ReasonCode.granted(Qos.of(c)));
        } else {
          throw malformed(String.format(Locale.ROOT, "SUBACK return code 0x%02X is reserved", c));
        }
      }
    }
    if (codes.isEmpty()) {
      throw new DecodeException(PROTOCOL_ERROR, "SUBACK without any return code");
    }
    return new Suback(id, codes, props);
  }

  private Unsubscribe unsubscribe(boolean v5) throws DecodeException {
    int id = packetId();
    MqttProperties props = v5 ? properties(UNSUBSCRIBE, "UNSUBSCRIBE") : MqttProperties.EMPTY;
    List<TopicFilter> filters = new ArrayList<>(4);
    while (idx < end) {
      filters.add(filter());
    }
    if (filters.isEmpty()) {
      throw new DecodeException(PROTOCOL_ERROR, "UNSUBSCRIBE without any topic filter");
    }
    return new Unsubscribe(id, filters, props);
  }

  private Unsuback unsuback(boolean v5) throws DecodeException {
    int id = packetId();
    if (!v5) {
      requireEnd();
      return new Unsuback(id, List.of(), MqttProperties.EMPTY);
    }
    MqttProperties props = properties(UNSUBACK, "UNSUBACK");
    List<ReasonCode> codes = new ArrayList<>(4);
    while (idx < end) {
      codes.add(reasonCode(PacketType.UNSUBACK));
    }
    if (codes.isEmpty()) {
      throw new DecodeException(PROTOCOL_ERROR, "UNSUBACK without any reason code");
    }
    return new Unsuback(id, codes, props);
  }

  private Disconnect disconnect(boolean v5) throws DecodeException {
    if (!v5 || idx == end) {
      requireEnd();
      return new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY);
    }
    ReasonCode rc = reasonCode(PacketType.DISCONNECT);
    MqttProperties props = MqttProperties.EMPTY;
    if (idx < end) {
      props = properties(DISCONNECT, "DISCONNECT");
    }
    requireEnd();
    if (!server && props.sessionExpiryInterval() != null) {
      throw new DecodeException(
          PROTOCOL_ERROR, "a server's DISCONNECT must not carry a Session Expiry Interval");
    }
    return new Disconnect(rc, props);
  }

  private Auth auth() throws DecodeException {
    if (idx == end) {
      return new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY);
    }
    ReasonCode rc = reasonCode(PacketType.AUTH);
    MqttProperties props = MqttProperties.EMPTY;
    if (idx < end) {
      props = properties(AUTH, "AUTH");
    }
    requireEnd();
    if (props.authenticationMethod() == null) {
      throw new DecodeException(PROTOCOL_ERROR, "AUTH without Authentication Method");
    }
    return new Auth(rc, props);
  }
}
