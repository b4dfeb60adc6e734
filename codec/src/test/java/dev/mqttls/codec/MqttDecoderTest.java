package dev.mqttls.codec;

import static dev.mqttls.codec.Bytes.bytes;
import static dev.mqttls.codec.Bytes.connectedClient;
import static dev.mqttls.codec.Bytes.connectedServer;
import static dev.mqttls.codec.Bytes.feed;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decoder's strictness, one violation per test, packets spelled out byte by byte. */
class MqttDecoderTest {
  private EmbeddedChannel ch;

  @AfterEach
  void close() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
  }

  private static MalformedPacket assertMalformed(
      Object decoded, ReasonCode reason, String causeContains) {
    assertThat(decoded).isInstanceOf(MalformedPacket.class);
    MalformedPacket m = (MalformedPacket) decoded;
    assertThat(m.reason()).isEqualTo(reason);
    assertThat(m.cause()).contains(causeContains);
    return m;
  }

  private Object server311(Object... packet) {
    ch = connectedServer(MqttVersion.V3_1_1);
    return feed(ch, bytes(packet));
  }

  private Object server5(Object... packet) {
    ch = connectedServer(MqttVersion.V5);
    return feed(ch, bytes(packet));
  }

  private Object client5(Object... packet) {
    ch = connectedClient(MqttVersion.V5);
    return feed(ch, bytes(packet));
  }

  // ---- framing ----------------------------------------------------------------------------

  @Test
  void decode_truncatedPacket_waitsForTheRest() {
    ch = connectedServer(MqttVersion.V3_1_1);
    assertThat(feed(ch, bytes(0x30, 5, 0x00, 3, "a"))).isNull(); // PUBLISH, 2 bytes missing
    Object p = feed(ch, bytes("/b"));
    assertThat(p).isInstanceOf(Publish.class);
    assertThat(((Publish) p).topic()).isEqualTo("a/b");
    ((Publish) p).release();
  }

  @Test
  void decode_packetOneByteAtATime_framesCorrectly() {
    ch = connectedServer(MqttVersion.V5);
    byte[] publish =
        bytes(
            0x32, 10, // PUBLISH QoS 1, remaining length 10
            0x00, 3, "a/b", // topic
            0x00, 7, // packet id 7
            0x00, // no properties
            "hi"); // payload
    Object out = null;
    for (byte b : publish) {
      assertThat(out).isNull();
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
      out = ch.readInbound();
    }
    Publish p = (Publish) out;
    assertThat(p.packetId()).isEqualTo(7);
    assertThat(p.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hi");
    p.release();
  }

  @Test
  void decode_twoPacketsInOneRead_bothDecoded() {
    ch = connectedServer(MqttVersion.V3_1_1);
    ch.writeInbound(Unpooled.wrappedBuffer(bytes(0xC0, 0, 0xC0, 0)));
    assertThat(ch.<Object>readInbound()).isEqualTo(Pingreq.INSTANCE);
    assertThat(ch.<Object>readInbound()).isEqualTo(Pingreq.INSTANCE);
  }

  @Test
  void decode_remainingLengthOf5Bytes_malformed() {
    assertMalformed(
        server311(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
        ReasonCode.MALFORMED_PACKET,
        "longer than 4 bytes");
  }

  @Test
  void decode_remainingLengthNotMinimal_malformed() {
    assertMalformed(
        server311(0xC0, 0x80, 0x00), // PINGREQ with remaining length 0 in two bytes
        ReasonCode.MALFORMED_PACKET,
        "not minimally encoded");
  }

  @Test
  void decode_packetOverMaximumSize_packetTooLargeBeforeBodyArrives() {
    ch = connectedServer(MqttVersion.V5, new DecoderLimits(100));
    // PUBLISH announcing 1000 bytes; only the fixed header is sent.
    MalformedPacket m =
        assertMalformed(
            feed(ch, bytes(0x30, 0xE8, 0x07)), ReasonCode.PACKET_TOO_LARGE, "exceeds the maximum");
    assertThat(m.type()).isEqualTo(PacketType.PUBLISH);
  }

  @Test
  void decode_packetAtMaximumSize_accepted() {
    ch = connectedServer(MqttVersion.V3_1_1, new DecoderLimits(15));
    Object p = feed(ch, bytes(0x30, 13, 0x00, 3, "a/b", "12345678")); // 15 bytes in all
    assertThat(p).isInstanceOf(Publish.class);
    ((Publish) p).release();
  }

  @Test
  void decode_reservedPacketType0_malformed() {
    assertMalformed(server311(0x00, 0x00), ReasonCode.MALFORMED_PACKET, "reserved packet type 0");
  }

  @Test
  void decode_afterViolation_discardsAllFurtherInput() {
    ch = connectedServer(MqttVersion.V3_1_1);
    assertThat(feed(ch, bytes(0x36, 0x00))).isInstanceOf(MalformedPacket.class);
    assertThat(feed(ch, bytes(0xC0, 0x00))).isNull(); // a valid PINGREQ is ignored
    assertThat(feed(ch, bytes(0xC0, 0x00, 0xC0, 0x00))).isNull();
  }

  // ---- fixed header flags -----------------------------------------------------------------

  @Test
  void decode_reservedFlagBitsOnPuback_malformed() {
    assertMalformed(
        server311(0x41, 2, 0x00, 0x01), ReasonCode.MALFORMED_PACKET, "reserved fixed header flags");
  }

  @Test
  void decode_subscribeWithoutFlag0010_malformed() {
    assertMalformed(
        server311(0x80, 6, 0x00, 0x01, 0x00, 1, "a", 0x00),
        ReasonCode.MALFORMED_PACKET,
        "not 0010");
  }

  @Test
  void decode_pubrelWithoutFlag0010_malformed() {
    assertMalformed(server5(0x60, 2, 0x00, 0x01), ReasonCode.MALFORMED_PACKET, "not 0010");
  }

  @Test
  void decode_publishQos3_malformed() {
    assertMalformed(
        server311(0x36, 7, 0x00, 3, "a/b", 0x00, 0x01), ReasonCode.MALFORMED_PACKET, "QoS is 3");
  }

  @Test
  void decode_dupWithQos0_malformed() {
    assertMalformed(
        server311(0x38, 5, 0x00, 3, "a/b"), ReasonCode.MALFORMED_PACKET, "DUP set on a QoS 0");
  }

  // ---- strings ----------------------------------------------------------------------------

  @Test
  void decode_invalidUtf8InTopic_malformed() {
    assertMalformed(
        server311(0x30, 4, 0x00, 2, 0xC3, 0x28), // 0xC3 followed by a non-continuation byte
        ReasonCode.MALFORMED_PACKET,
        "not valid UTF-8");
  }

  @Test
  void decode_overlongUtf8InTopic_malformed() {
    assertMalformed(
        server311(0x30, 5, 0x00, 3, "a", 0xC0, 0xAF), // '/' encoded in two bytes
        ReasonCode.MALFORMED_PACKET,
        "not valid UTF-8");
  }

  @Test
  void decode_surrogateInTopic_malformed() {
    assertMalformed(
        server311(0x30, 5, 0x00, 3, 0xED, 0xA0, 0x80), // U+D800
        ReasonCode.MALFORMED_PACKET,
        "not valid UTF-8");
  }

  @Test
  void decode_truncatedUtf8SequenceInTopic_malformed() {
    assertMalformed(
        server311(0x30, 4, 0x00, 2, "a", 0xE2), // three-byte sequence cut after one byte
        ReasonCode.MALFORMED_PACKET,
        "not valid UTF-8");
  }

  @Test
  void decode_nulInTopic_malformed() {
    assertMalformed(server311(0x30, 4, 0x00, 2, "a", 0x00), ReasonCode.MALFORMED_PACKET, "U+0000");
  }

  @Test
  void decode_nulInClientId_malformed() {
    ch = new EmbeddedChannel(MqttDecoder.forServer(DecoderLimits.DEFAULT));
    assertMalformed(
        feed(ch, bytes(0x10, 13, 0x00, 4, "MQTT", 4, 0x02, 0x00, 60, 0x00, 1, 0x00)),
        ReasonCode.MALFORMED_PACKET,
        "client identifier contains U+0000");
  }

  @Test
  void decode_stringLongerThanPacket_malformed() {
    assertMalformed(
        server311(0x30, 4, 0x00, 9, "ab"), ReasonCode.MALFORMED_PACKET, "packet ends inside");
  }

  @Test
  void decode_multiByteUtf8Topic_accepted() {
    Object p = server311(0x30, 10, 0x00, 8, "é/€/x"); // é 2 bytes, € 3 bytes: 8 in all
    assertThat(((Publish) p).topic()).isEqualTo("é/€/x");
    ((Publish) p).release();
  }

  // ---- topics and filters -----------------------------------------------------------------

  @Test
  void decode_wildcardInTopicName_topicNameInvalid() {
    assertMalformed(
        server311(0x30, 7, 0x00, 5, "a/+/b"), ReasonCode.TOPIC_NAME_INVALID, "wildcard '+'");
  }

  @Test
  void decode_hashInTopicName_topicNameInvalid() {
    assertMalformed(server5(0x30, 6, 0x00, 3, "a/#", 0x00), ReasonCode.TOPIC_NAME_INVALID, "'#'");
  }

  @Test
  void decode_emptyTopicV311_protocolError() {
    assertMalformed(
        server311(0x30, 2, 0x00, 0x00),
        ReasonCode.PROTOCOL_ERROR,
        "empty and there is no topic alias");
  }

  @Test
  void decode_emptyTopicV5WithoutAlias_protocolError() {
    assertMalformed(
        server5(0x30, 3, 0x00, 0x00, 0x00), ReasonCode.PROTOCOL_ERROR, "no topic alias");
  }

  @Test
  void decode_emptyTopicV5WithAlias_accepted() {
    Object p =
        server5(
            0x30, 6, // PUBLISH QoS 0
            0x00, 0x00, // empty topic
            3, 0x23, 0x00, 0x05, // properties: Topic Alias 5
            "x");
    Publish pub = (Publish) p;
    assertThat(pub.topic()).isEmpty();
    assertThat(pub.properties().topicAlias()).isEqualTo(5);
    pub.release();
  }

  @Test
  void decode_topicAliasZero_topicAliasInvalid() {
    assertMalformed(
        server5(0x30, 8, 0x00, 1, "a", 3, 0x23, 0x00, 0x00, "x"),
        ReasonCode.TOPIC_ALIAS_INVALID,
        "Topic Alias is 0");
  }

  @Test
  void decode_emptySubscribePayload_protocolError() {
    assertMalformed(
        server311(0x82, 2, 0x00, 0x01), ReasonCode.PROTOCOL_ERROR, "without any topic filter");
  }

  @Test
  void decode_emptyTopicFilter_malformed() {
    assertMalformed(
        server311(0x82, 5, 0x00, 0x01, 0x00, 0x00, 0x00), ReasonCode.MALFORMED_PACKET, "is empty");
  }

  @Test
  void decode_hashNotLastInFilter_malformed() {
    assertMalformed(
        server311(0x82, 8, 0x00, 0x01, 0x00, 3, "#/a", 0x00),
        ReasonCode.MALFORMED_PACKET,
        "wildcard");
  }

  @Test
  void decode_plusInsideLevel_malformed() {
    assertMalformed(
        server311(0x82, 8, 0x00, 0x01, 0x00, 3, "a+b", 0x00),
        ReasonCode.MALFORMED_PACKET,
        "wildcard");
  }

  @Test
  void decode_shareWithoutFilter_malformed() {
    assertMalformed(
        server5(0x82, 14, 0x00, 0x01, 0x00, 0x00, 8, "$share/g", 0x00),
        ReasonCode.MALFORMED_PACKET,
        "$share/{group}/{filter}");
  }

  @Test
  void decode_emptyUnsubscribePayload_protocolError() {
    assertMalformed(
        server5(0xA2, 3, 0x00, 0x01, 0x00), ReasonCode.PROTOCOL_ERROR, "without any topic filter");
  }

  // ---- subscription options ----------------------------------------------------------------

  @Test
  void decode_subscribeQos3_malformed() {
    assertMalformed(
        server311(0x82, 6, 0x00, 0x01, 0x00, 1, "a", 0x03),
        ReasonCode.MALFORMED_PACKET,
        "QoS is 3");
  }

  @Test
  void decode_subscribeQos3V5_protocolError() {
    assertMalformed(
        server5(0x82, 7, 0x00, 0x01, 0x00, 0x00, 1, "a", 0x03), // no properties, filter "a", QoS 3
        ReasonCode.PROTOCOL_ERROR,
        "QoS is 3");
  }

  @Test
  void decode_subscriptionOptionsReservedBitsV311_malformed() {
    assertMalformed(
        server311(0x82, 6, 0x00, 0x01, 0x00, 1, "a", 0x04), // No Local bit is reserved in 3.1.1
        ReasonCode.MALFORMED_PACKET,
        "reserved subscription option bits");
  }

  @Test
  void decode_subscriptionOptionsReservedBitsV5_malformed() {
    assertMalformed(
        server5(0x82, 7, 0x00, 0x01, 0x00, 0x00, 1, "a", 0x41),
        ReasonCode.MALFORMED_PACKET,
        "reserved subscription option bits");
  }

  @Test
  void decode_retainHandling3_protocolError() {
    assertMalformed(
        server5(0x82, 7, 0x00, 0x01, 0x00, 0x00, 1, "a", 0x30),
        ReasonCode.PROTOCOL_ERROR,
        "Retain Handling is 3");
  }

  @Test
  void decode_noLocalOnSharedSubscription_protocolError() {
    assertMalformed(
        server5(0x82, 16, 0x00, 0x01, 0x00, 0x00, 10, "$share/g/a", 0x04),
        ReasonCode.PROTOCOL_ERROR,
        "No Local");
  }

  @Test
  void decode_subscribeV5AllOptions_decoded() {
    Subscribe s =
        (Subscribe)
            server5(
                0x82, 11, // SUBSCRIBE
                0x00, 0x09, // packet id 9
                2, 0x0B, 42, // Subscription Identifier 42
                0x00, 3, "a/#", // filter
                0x2E); // QoS 2, No Local, Retain As Published, Retain Handling 2
    assertThat(s.packetId()).isEqualTo(9);
    assertThat(s.properties().subscriptionIdentifiers()).containsExactly(42);
    assertThat(s.subscriptions())
        .containsExactly(new Subscription(TopicFilter.of("a/#"), Qos.EXACTLY_ONCE, true, true, 2));
  }

  // ---- properties -------------------------------------------------------------------------

  @Test
  void decode_duplicateProperty_protocolError() {
    assertMalformed(
        server5(
            0x30, 15, // PUBLISH
            0x00, 1, "a", // topic
            10, 0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2, // Message Expiry twice
            "x"),
        ReasonCode.PROTOCOL_ERROR,
        "Message Expiry Interval appears twice");
  }

  @Test
  void decode_repeatedUserProperty_accepted() {
    Publish p =
        (Publish)
            server5(
                0x30, 18, // PUBLISH QoS 0
                0x00, 1, "a", // topic
                14, // property length
                0x26, 0, 1, "k", 0, 1, "1", // user property k=1
                0x26, 0, 1, "k", 0, 1, "2"); // user property k=2, no payload
    assertThat(p.properties().userProperties())
        .containsExactly(new UserProperty("k", "1"), new UserProperty("k", "2"));
    p.release();
  }

  @Test
  void decode_propertyNotAllowedInPacket_malformed() {
    assertMalformed(
        server5(0x30, 10, 0x00, 1, "a", 5, 0x11, 0, 0, 0, 9, "x"), // Session Expiry in PUBLISH
        ReasonCode.MALFORMED_PACKET,
        "Session Expiry Interval is not allowed in PUBLISH");
  }

  @Test
  void decode_unknownPropertyIdentifier_malformed() {
    assertMalformed(
        server5(0x30, 7, 0x00, 1, "a", 2, 0x05, 0x01, "x"),
        ReasonCode.MALFORMED_PACKET,
        "unknown property identifier 0x05");
  }

  @Test
  void decode_propertyLengthBeyondPacket_malformed() {
    assertMalformed(
        server5(0x30, 5, 0x00, 1, "a", 9, "x"), ReasonCode.MALFORMED_PACKET, "packet ends inside");
  }

  @Test
  void decode_propertyValueRunsPastPropertyLength_malformed() {
    assertMalformed(
        server5(0x30, 10, 0x00, 1, "a", 2, 0x02, 0, 0, 0, 1, "x"), // 4-byte value, length says 2
        ReasonCode.MALFORMED_PACKET,
        "packet ends inside");
  }

  @Test
  void decode_payloadFormatIndicator2_protocolError() {
    assertMalformed(
        server5(0x30, 7, 0x00, 1, "a", 2, 0x01, 0x02, "x"),
        ReasonCode.PROTOCOL_ERROR,
        "Payload Format Indicator must be 0 or 1");
  }

  @Test
  void decode_subscriptionIdentifierInClientPublish_protocolError() {
    assertMalformed(
        server5(0x30, 7, 0x00, 1, "a", 2, 0x0B, 0x01, "x"),
        ReasonCode.PROTOCOL_ERROR,
        "must not carry a Subscription Identifier");
  }

  @Test
  void decode_subscriptionIdentifiersInServerPublish_accepted() {
    Publish p = (Publish) client5(0x30, 9, 0x00, 1, "a", 4, 0x0B, 0x01, 0x0B, 0x02, "x");
    assertThat(p.properties().subscriptionIdentifiers()).containsExactly(1, 2);
    p.release();
  }

  @Test
  void decode_receiveMaximumZero_protocolError() {
    ch = new EmbeddedChannel(MqttDecoder.forServer(DecoderLimits.DEFAULT));
    assertMalformed(
        feed(
            ch,
            bytes(
                0x10, 17, 0x00, 4, "MQTT", 5, 0x02, 0x00, 60, 3, 0x21, 0x00,
                0x00, // Receive Maximum 0
                0x00, 1, "c")),
        ReasonCode.PROTOCOL_ERROR,
        "Receive Maximum is 0");
  }

  // ---- trailing bytes, packet ids ------------------------------------------------------------

  @Test
  void decode_trailingBytesAfterPubackV311_malformed() {
    assertMalformed(
        server311(0x40, 3, 0x00, 0x01, 0x00), ReasonCode.MALFORMED_PACKET, "trailing bytes");
  }

  @Test
  void decode_pingreqWithBody_malformed() {
    assertMalformed(server311(0xC0, 1, 0x00), ReasonCode.MALFORMED_PACKET, "trailing bytes");
  }

  @Test
  void decode_trailingBytesAfterConnect_malformed() {
    ch = new EmbeddedChannel(MqttDecoder.forServer(DecoderLimits.DEFAULT));
    assertMalformed(
        feed(ch, bytes(0x10, 14, 0x00, 4, "MQTT", 4, 0x02, 0x00, 60, 0x00, 1, "c", 0x00)),
        ReasonCode.MALFORMED_PACKET,
        "trailing bytes");
  }

  @Test
  void decode_packetIdZeroInPuback_protocolError() {
    assertMalformed(
        server311(0x40, 2, 0x00, 0x00), ReasonCode.PROTOCOL_ERROR, "packet identifier is 0");
  }

  @Test
  void decode_packetIdZeroInQos1Publish_protocolError() {
    assertMalformed(
        server311(0x32, 5, 0x00, 1, "a", 0x00, 0x00),
        ReasonCode.PROTOCOL_ERROR,
        "packet identifier is 0");
  }

  @Test
  void decode_packetIdZeroInSubscribe_protocolError() {
    assertMalformed(
        server311(0x82, 6, 0x00, 0x00, 0x00, 1, "a", 0x00),
        ReasonCode.PROTOCOL_ERROR,
        "packet identifier is 0");
  }

  // ---- CONNECT ----------------------------------------------------------------------------

  private Object connect(Object... packet) {
    ch = new EmbeddedChannel(MqttDecoder.forServer(DecoderLimits.DEFAULT));
    return feed(ch, bytes(packet));
  }

  @Test
  void decode_unknownProtocolName_unsupportedProtocolVersion() {
    MalformedPacket m =
        assertMalformed(
            connect(0x10, 13, 0x00, 4, "MQTX", 4, 0x02, 0x00, 60, 0x00, 1, "c"),
            ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
            "unknown protocol name 'MQTX'");
    assertThat(m.type()).isEqualTo(PacketType.CONNECT);
    assertThat(m.reason().v3ConnackCode()).isEqualTo(1);
  }

  @Test
  void decode_unknownProtocolLevel_unsupportedProtocolVersion() {
    assertMalformed(
        connect(0x10, 13, 0x00, 4, "MQTT", 6, 0x02, 0x00, 60, 0x00, 1, "c"),
        ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
        "level 6");
  }

  @Test
  void decode_mqtt31Connect_decoded() {
    Connect c = (Connect) connect(0x10, 15, 0x00, 6, "MQIsdp", 3, 0x02, 0x00, 60, 0x00, 1, "c");
    assertThat(c.version()).isEqualTo(MqttVersion.V3_1);
  }

  @Test
  void decode_connectReservedFlag_malformed() {
    assertMalformed(
        connect(0x10, 13, 0x00, 4, "MQTT", 4, 0x03, 0x00, 60, 0x00, 1, "c"),
        ReasonCode.MALFORMED_PACKET,
        "reserved connect flag");
  }

  @Test
  void decode_willQosWithoutWillFlag_malformed() {
    assertMalformed(
        connect(0x10, 13, 0x00, 4, "MQTT", 4, 0x0A, 0x00, 60, 0x00, 1, "c"), // will QoS 1, no will
        ReasonCode.MALFORMED_PACKET,
        "without the will flag");
  }

  @Test
  void decode_willRetainWithoutWillFlag_malformed() {
    assertMalformed(
        connect(0x10, 13, 0x00, 4, "MQTT", 4, 0x22, 0x00, 60, 0x00, 1, "c"),
        ReasonCode.MALFORMED_PACKET,
        "without the will flag");
  }

  @Test
  void decode_willQos3_malformed() {
    assertMalformed(
        connect(0x10, 19, 0x00, 4, "MQTT", 4, 0x1E, 0x00, 60, 0x00, 1, "c", 0, 1, "w", 0, 1, "x"),
        ReasonCode.MALFORMED_PACKET,
        "will QoS is 3");
  }

  @Test
  void decode_willTopicWithWildcard_topicNameInvalid() {
    assertMalformed(
        connect(0x10, 19, 0x00, 4, "MQTT", 4, 0x06, 0x00, 60, 0x00, 1, "c", 0, 1, "#", 0, 1, "x"),
        ReasonCode.TOPIC_NAME_INVALID,
        "will topic");
  }

  @Test
  void decode_passwordWithoutUsernameV311_malformed() {
    assertMalformed(
        connect(0x10, 17, 0x00, 4, "MQTT", 4, 0x42, 0x00, 60, 0x00, 1, "c", 0, 2, "pw"),
        ReasonCode.MALFORMED_PACKET,
        "password flag set without user name flag");
  }

  @Test
  void decode_passwordWithoutUsernameV5_accepted() {
    Connect c =
        (Connect)
            connect(0x10, 18, 0x00, 4, "MQTT", 5, 0x42, 0x00, 60, 0x00, 0x00, 1, "c", 0, 2, "pw");
    assertThat(c.username()).isNull();
    assertThat(c.password()).isEqualTo("pw".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decode_emptyClientIdWithoutCleanSessionV311_clientIdentifierNotValid() {
    assertMalformed(
        connect(0x10, 12, 0x00, 4, "MQTT", 4, 0x00, 0x00, 60, 0x00, 0),
        ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
        "empty client identifier");
  }

  @Test
  void decode_secondConnect_protocolError() {
    ch = connectedServer(MqttVersion.V3_1_1);
    assertMalformed(feed(ch, Bytes.CONNECT_311), ReasonCode.PROTOCOL_ERROR, "second CONNECT");
  }

  @Test
  void decode_firstPacketNotConnect_protocolError() {
    assertMalformed(connect(0xC0, 0x00), ReasonCode.PROTOCOL_ERROR, "first packet must be CONNECT");
  }

  // ---- direction and version ------------------------------------------------------------------

  @Test
  void decode_connackFromClient_protocolError() {
    assertMalformed(
        server311(0x20, 2, 0x00, 0x00),
        ReasonCode.PROTOCOL_ERROR,
        "CONNACK is not sent by a client");
  }

  @Test
  void decode_subscribeFromServer_protocolError() {
    assertMalformed(
        client5(0x82, 7, 0x00, 0x01, 0x00, 0x00, 1, "a", 0x00),
        ReasonCode.PROTOCOL_ERROR,
        "SUBSCRIBE is not sent by a server");
  }

  @Test
  void decode_firstPacketFromServerNotConnack_protocolError() {
    ch = new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, MqttVersion.V5));
    assertMalformed(feed(ch, bytes(0xD0, 0x00)), ReasonCode.PROTOCOL_ERROR, "must be CONNACK");
  }

  @Test
  void decode_authInV311_malformed() {
    assertMalformed(
        server311(0xF0, 0x00), ReasonCode.MALFORMED_PACKET, "AUTH exists only in MQTT 5");
  }

  @Test
  void decode_reasonCodeNotDefinedForPacket_malformed() {
    assertMalformed(
        client5(0x40, 3, 0x00, 0x01, 0x04), // PUBACK with 0x04 (a DISCONNECT code)
        ReasonCode.MALFORMED_PACKET,
        "reason code 0x04 is not defined for PUBACK");
  }

  @Test
  void decode_reservedConnackReturnCodeV311_malformed() {
    ch = new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, MqttVersion.V3_1_1));
    assertMalformed(
        feed(ch, bytes(0x20, 2, 0x00, 0x06)),
        ReasonCode.MALFORMED_PACKET,
        "reserved CONNACK return code 6");
  }

  @Test
  void decode_sessionPresentOnRefusal_protocolError() {
    ch = new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, MqttVersion.V5));
    assertMalformed(
        feed(ch, bytes(0x20, 3, 0x01, 0x87, 0x00)), ReasonCode.PROTOCOL_ERROR, "session present");
  }

  @Test
  void decode_serverDisconnectWithSessionExpiry_protocolError() {
    assertMalformed(
        client5(0xE0, 7, 0x00, 5, 0x11, 0, 0, 0, 1),
        ReasonCode.PROTOCOL_ERROR,
        "must not carry a Session Expiry Interval");
  }

  @Test
  void decode_disconnectWithReason_decoded() {
    Disconnect d = (Disconnect) client5(0xE0, 1, 0x8E);
    assertThat(d.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
  }

  @Test
  void decode_subackV311Failure_mapsToUnspecifiedError() {
    ch = connectedClient(MqttVersion.V3_1_1);
    Suback s = (Suback) feed(ch, bytes(0x90, 4, 0x00, 0x01, 0x01, 0x80));
    assertThat(s.reasonCodes())
        .containsExactly(ReasonCode.GRANTED_QOS_1, ReasonCode.UNSPECIFIED_ERROR);
  }

  // ---- payload handling -----------------------------------------------------------------------

  @Test
  void decode_publishPayload_isRetainedSliceOfInput() {
    ch = connectedServer(MqttVersion.V3_1_1);
    io.netty.buffer.ByteBuf in = Unpooled.buffer();
    in.writeBytes(bytes(0x30, 7, 0x00, 3, "a/b", "xy"));
    ch.writeInbound(in);
    Publish p = ch.readInbound();
    assertThat(p.payload().unwrap()).isSameAs(in); // a slice, not a copy
    assertThat(p.refCnt()).isEqualTo(1);
    assertThat(p.release()).isTrue();
    assertThat(in.refCnt()).isZero(); // the decoder released its cumulation, the slice the rest
  }

  @Test
  void decode_hostileTopicInCause_sanitizedAndTruncated() {
    String topic = "a\u001b[31m/" + "x".repeat(200) + "/+";
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    assertThat(t).hasSize(209);
    ch = connectedServer(MqttVersion.V3_1_1);
    MalformedPacket m =
        assertMalformed(
            feed(ch, bytes(0x30, 0xD3, 0x01, 0x00, t.length, t)), // remaining length 211, topic 209
            ReasonCode.TOPIC_NAME_INVALID,
            "wildcard");
    assertThat(m.cause()).doesNotContain("\u001b").contains("a?[31m/").contains("...");
    assertThat(m.cause().length()).isLessThan(150);
    assertThat(m.toString()).startsWith("PUBLISH: topic name").endsWith("(topic name invalid)");
  }

  @Test
  void decode_refusedV5Connect_versionStillKnownForTheConnack() {
    MqttDecoder decoder = MqttDecoder.forServer(DecoderLimits.DEFAULT);
    ch = new EmbeddedChannel(decoder);
    assertMalformed(
        feed(
            ch,
            bytes(
                0x10, 16, 0x00, 4, "MQTT", 5, 0x02, 0x00, 60, // CONNECT v5
                2, 0x24, 0x01, // Maximum QoS: not allowed in CONNECT
                0x00, 1, "c")),
        ReasonCode.MALFORMED_PACKET,
        "Maximum QoS is not allowed in CONNECT");
    assertThat(decoder.version()).isEqualTo(MqttVersion.V5);
  }

  @Test
  void decode_unknownProtocol_versionStaysUnknown() {
    MqttDecoder decoder = MqttDecoder.forServer(DecoderLimits.DEFAULT);
    ch = new EmbeddedChannel(decoder);
    feed(ch, bytes(0x10, 13, 0x00, 4, "MQTT", 9, 0x02, 0x00, 60, 0x00, 1, "c"));
    assertThat(decoder.version()).isNull();
  }
}
