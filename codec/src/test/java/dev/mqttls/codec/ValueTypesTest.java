package dev.mqttls.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Topic names, filters, client ids, properties and packets refuse invalid values by name. */
class ValueTypesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a/+/b", "#", "a/#", "a\u0000b", ""})
  void topicName_invalid_rejectedNamingTheProblem(String topic) {
    assertThatThrownBy(() -> TopicName.of(topic))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topic name ");
    assertThat(TopicName.problem(topic)).isNotNull();
  }

  @Test
  void topicName_unpairedSurrogate_rejected() {
    assertThatThrownBy(() -> TopicName.of("a\uD800b")).hasMessageContaining("unpaired surrogate");
  }

  @Test
  void topicName_over65535Bytes_rejected() {
    assertThatThrownBy(() -> TopicName.of("é".repeat(32768))).hasMessageContaining("65535 bytes");
    assertThat(TopicName.of("a".repeat(65535)).value()).hasSize(65535);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a+",
        "#/a",
        "a/#/b",
        "a#",
        "+a/b",
        "",
        "$share/",
        "$share/g",
        "$share//a",
        "$share/g+/a",
        "$share/g/"
      })
  void topicFilter_invalid_rejected(String filter) {
    assertThatThrownBy(() -> TopicFilter.of(filter)).isInstanceOf(IllegalArgumentException.class);
    assertThat(TopicFilter.parse(filter)).isNull();
    assertThat(TopicFilter.problem(filter)).isNotNull();
  }

  @Test
  void topicFilter_shared_parsesGroupAndInnerFilter() {
    TopicFilter f = TopicFilter.of("$share/consumers/sensors/+/temp");
    assertThat(f.isShared()).isTrue();
    assertThat(f.shareGroup()).isEqualTo("consumers");
    assertThat(f.filter()).isEqualTo("sensors/+/temp");
    assertThat(f.hasWildcards()).isTrue();
    assertThat(f.matches(TopicName.of("sensors/1/temp"))).isTrue();
    assertThat(TopicFilter.of("a/b").isShared()).isFalse();
    assertThat(TopicFilter.of("a/b").shareGroup()).isNull();
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "a/b, a/b, true",
    "a/b, a/c, false",
    "a/+, a/b, true",
    "a/+, a, false",
    "a/+, a/b/c, false",
    "a/#, a, true",
    "a/#, a/b/c, true",
    "#, a/b, true",
    "+/+, /x, true",
    "+, /x, false",
    "a//b, a//b, true",
    "+/b, a/b, true",
    "#, $SYS/x, false",
    "+/x, $SYS/x, false",
    "$SYS/#, $SYS/x, true",
    "a/b/#, a/b, true",
    "a/b, a/b/c, false",
  })
  void topicFilter_matches_followsSpecification(String filter, String topic, boolean expected) {
    assertThat(TopicFilter.of(filter).matches(TopicName.of(topic))).isEqualTo(expected);
  }

  @Test
  void clientId_portableAndEmpty() {
    assertThat(ClientId.of("abc123").isPortable()).isTrue();
    assertThat(ClientId.of("with-dash").isPortable()).isFalse();
    assertThat(ClientId.of("").isEmpty()).isTrue();
    assertThatThrownBy(() -> ClientId.of("a\u0000")).hasMessageContaining("client identifier");
  }

  @Test
  void packetId_rangeAndWrap() {
    assertThat(PacketId.isValid(0)).isFalse();
    assertThat(PacketId.next(65535)).isEqualTo(1);
    assertThatThrownBy(() -> PacketId.check(65536)).hasMessageContaining("1..65535");
  }

  @Test
  void properties_byteArraysAreCopiedInAndOut() {
    byte[] data = {1, 2, 3};
    MqttProperties p = MqttProperties.builder().correlationData(data).build();
    data[0] = 9;
    assertThat(p.correlationData()).containsExactly(1, 2, 3);
    p.correlationData()[1] = 9;
    assertThat(p.correlationData()).containsExactly(1, 2, 3);
  }

  @Test
  void properties_toStringNeverShowsAuthenticationData() {
    MqttProperties p =
        MqttProperties.builder()
            .authenticationMethod("PLAIN")
            .authenticationData("hunter2".getBytes(StandardCharsets.UTF_8))
            .build();
    assertThat(p.toString()).contains("PLAIN").contains("<7 bytes>").doesNotContain("hunter2");
  }

  @ParameterizedTest
  @CsvSource({"receiveMaximum", "topicAlias", "maximumPacketSize", "subscriptionIdentifier"})
  void properties_zeroWhereNotAllowed_rejectedByName(String name) {
    MqttProperties.Builder b = MqttProperties.builder();
    switch (name) {
      case "receiveMaximum" -> b.receiveMaximum(0);
      case "topicAlias" -> b.topicAlias(0);
      case "maximumPacketSize" -> b.maximumPacketSize(0L);
      default -> b.subscriptionIdentifier(0);
    }
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(name);
  }

  @Test
  void properties_withoutDiagnostics_dropsReasonStringAndUserProperties() {
    MqttProperties p =
        MqttProperties.builder().reasonString("r").userProperty("k", "v").contentType("c").build();
    assertThat(p.withoutDiagnostics()).isEqualTo(MqttProperties.builder().contentType("c").build());
    assertThat(MqttProperties.EMPTY.withoutDiagnostics()).isSameAs(MqttProperties.EMPTY);
  }

  @Test
  void connect_toStringNeverShowsPassword() {
    Connect c =
        new Connect(
            MqttVersion.V5,
            "dev1",
            true,
            30,
            "alice",
            "s3cret!".getBytes(StandardCharsets.UTF_8),
            null,
            null);
    assertThat(c.toString()).contains("alice").contains("<hidden>").doesNotContain("s3cret");
    assertThat(c.password()).isEqualTo("s3cret!".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void will_toStringShowsPayloadSizeOnly() {
    Will w =
        new Will(
            TopicName.of("w"),
            "last words".getBytes(StandardCharsets.UTF_8),
            Qos.AT_MOST_ONCE,
            false,
            null);
    assertThat(w.toString()).contains("<10 bytes>").doesNotContain("last words");
  }

  @Test
  void publish_invalidCombinations_rejected() {
    assertThatThrownBy(
            () -> new Publish(true, Qos.AT_MOST_ONCE, false, "t", 0, null, Unpooled.EMPTY_BUFFER))
        .hasMessageContaining("DUP");
    assertThatThrownBy(
            () -> new Publish(false, Qos.AT_LEAST_ONCE, false, "t", 0, null, Unpooled.EMPTY_BUFFER))
        .hasMessageContaining("packet identifier");
    assertThatThrownBy(
            () -> new Publish(false, Qos.AT_MOST_ONCE, false, "", 0, null, Unpooled.EMPTY_BUFFER))
        .hasMessageContaining("topic alias");
    assertThatThrownBy(() -> Publish.qos0("a/+", Unpooled.EMPTY_BUFFER))
        .hasMessageContaining("'+'");
  }

  @Test
  void publish_toStringShowsPayloadSizeOnly() {
    Publish p = Publish.qos0("t", Unpooled.copiedBuffer("secret payload", StandardCharsets.UTF_8));
    assertThat(p.toString()).contains("<14 bytes>").doesNotContain("secret");
    p.release();
  }

  @Test
  void publish_payloadUtf8Check() {
    Publish ok = Publish.qos0("t", Unpooled.copiedBuffer("grüße", StandardCharsets.UTF_8));
    Publish bad = Publish.qos0("t", Unpooled.wrappedBuffer(new byte[] {(byte) 0xC3, 0x28}));
    Publish nulThenBad = Publish.qos0("t", Unpooled.wrappedBuffer(new byte[] {0, (byte) 0xFF}));
    Publish nul = Publish.qos0("t", Unpooled.wrappedBuffer(new byte[] {'a', 0, 'b'}));
    assertThat(nulThenBad.payloadIsValidUtf8()).isFalse();
    assertThat(nul.payloadIsValidUtf8()).isTrue();
    nulThenBad.release();
    nul.release();
    assertThat(ok.payloadIsValidUtf8()).isTrue();
    assertThat(bad.payloadIsValidUtf8()).isFalse();
    ok.release();
    bad.release();
  }

  @Test
  void reasonCode_forPacket_picksMeaningByPacket() {
    assertThat(ReasonCode.forPacket(PacketType.SUBACK, 0)).isEqualTo(ReasonCode.GRANTED_QOS_0);
    assertThat(ReasonCode.forPacket(PacketType.DISCONNECT, 0))
        .isEqualTo(ReasonCode.NORMAL_DISCONNECTION);
    assertThat(ReasonCode.forPacket(PacketType.PUBACK, 0)).isEqualTo(ReasonCode.SUCCESS);
    assertThat(ReasonCode.forPacket(PacketType.PUBACK, 0x8E)).isNull();
    assertThat(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED.code()).isEqualTo(0xA2);
    assertThat(ReasonCode.MALFORMED_PACKET.isError()).isTrue();
    assertThat(ReasonCode.GRANTED_QOS_2.isError()).isFalse();
  }

  @Test
  void reasonCode_v3Mappings() {
    assertThat(ReasonCode.SUCCESS.v3ConnackCode()).isZero();
    assertThat(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION.v3ConnackCode()).isEqualTo(1);
    assertThat(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID.v3ConnackCode()).isEqualTo(2);
    assertThat(ReasonCode.SERVER_UNAVAILABLE.v3ConnackCode()).isEqualTo(3);
    assertThat(ReasonCode.BAD_USER_NAME_OR_PASSWORD.v3ConnackCode()).isEqualTo(4);
    assertThat(ReasonCode.NOT_AUTHORIZED.v3ConnackCode()).isEqualTo(5);
    assertThat(ReasonCode.MALFORMED_PACKET.v3ConnackCode()).isEqualTo(-1);
    assertThat(ReasonCode.QUOTA_EXCEEDED.v3SubackCode()).isEqualTo(0x80);
    assertThat(ReasonCode.GRANTED_QOS_1.v3SubackCode()).isEqualTo(1);
  }

  @Test
  void subscribe_needsOneSubscriptionAndAtMostOneIdentifier() {
    assertThatThrownBy(() -> new Subscribe(1, List.of(), null))
        .hasMessageContaining("at least one");
    Subscription s = new Subscription(TopicFilter.of("a"), Qos.AT_MOST_ONCE);
    MqttProperties two =
        MqttProperties.builder().subscriptionIdentifier(1).subscriptionIdentifier(2).build();
    assertThatThrownBy(() -> new Subscribe(1, List.of(s), two)).hasMessageContaining("at most one");
    assertThatThrownBy(
            () -> new Subscription(TopicFilter.of("$share/g/a"), Qos.AT_MOST_ONCE, true, false, 0))
        .hasMessageContaining("No Local");
  }

  @Test
  void versions_fromProtocolNameAndLevel() {
    assertThat(MqttVersion.of("MQTT", 4)).isEqualTo(MqttVersion.V3_1_1);
    assertThat(MqttVersion.of("MQIsdp", 3)).isEqualTo(MqttVersion.V3_1);
    assertThat(MqttVersion.of("MQTT", 3)).isNull();
    assertThat(PacketType.of(0)).isNull();
    assertThat(PacketType.of(15)).isEqualTo(PacketType.AUTH);
    assertThat(Qos.min(Qos.EXACTLY_ONCE, Qos.AT_LEAST_ONCE)).isEqualTo(Qos.AT_LEAST_ONCE);
  }
}
