package dev.mqttls.codec;

import static dev.mqttls.codec.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.SamplePackets.Sample;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every packet type, encoded by us and decoded by us, in MQTT 3.1.1 and 5.0. */
class MqttCodecRoundTripTest {

  static Stream<Arguments> samples() {
    return Stream.of(MqttVersion.V3_1_1, MqttVersion.V5)
        .flatMap(v -> SamplePackets.all(v).stream().map(s -> Arguments.of(v, s)));
  }

  /** Decodes {@code wire} as the receiving side of {@code sample} would, after the handshake. */
  static Object decodeAsReceiver(MqttVersion v, Sample sample, byte[] wire) {
    boolean connect = sample.packet() instanceof Connect;
    boolean connack = sample.packet() instanceof Connack;
    EmbeddedChannel ch;
    if (sample.fromClient()) {
      ch =
          connect
              ? new EmbeddedChannel(MqttDecoder.forServer(DecoderLimits.DEFAULT))
              : Bytes.connectedServer(v);
    } else {
      ch =
          connack || sample.packet() instanceof Auth
              ? new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, v))
              : Bytes.connectedClient(v);
    }
    try {
      return Bytes.feed(ch, wire);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("samples")
  void encodeThenDecode_givesEqualPacket(MqttVersion v, Sample sample) {
    MqttPacket packet = sample.packet();
    byte[] wire = Bytes.drain(MqttEncoder.encode(packet, v, ByteBufAllocator.DEFAULT));
    assertThat(wire.length).isEqualTo(MqttEncoder.encodedSize(packet, v));
    Object decoded = decodeAsReceiver(v, sample, wire);
    try {
      assertThat(decoded).isEqualTo(packet);
      // And the decoded packet encodes to the same bytes.
      byte[] again =
          Bytes.drain(MqttEncoder.encode((MqttPacket) decoded, v, ByteBufAllocator.DEFAULT));
      assertThat(again).isEqualTo(wire);
    } finally {
      ReferenceCountUtil.release(decoded);
    }
  }

  @Test
  void encode_connectV311_bytesAsSpecified() {
    byte[] wire =
        Bytes.drain(
            MqttEncoder.encode(
                new Connect(MqttVersion.V3_1_1, "c", true, 60),
                MqttVersion.V3_1_1,
                ByteBufAllocator.DEFAULT));
    assertThat(wire).isEqualTo(Bytes.CONNECT_311);
  }

  @Test
  void encode_connectV5_bytesAsSpecified() {
    byte[] wire =
        Bytes.drain(
            MqttEncoder.encode(
                new Connect(MqttVersion.V5, "c", true, 60),
                MqttVersion.V5,
                ByteBufAllocator.DEFAULT));
    assertThat(wire).isEqualTo(Bytes.CONNECT_5);
  }

  @Test
  void encode_connectV31_usesMQIsdp() {
    byte[] wire =
        Bytes.drain(
            MqttEncoder.encode(
                new Connect(MqttVersion.V3_1, "c", true, 60),
                MqttVersion.V3_1,
                ByteBufAllocator.DEFAULT));
    assertThat(wire).isEqualTo(bytes(0x10, 15, 0x00, 6, "MQIsdp", 3, 0x02, 0x00, 60, 0x00, 1, "c"));
  }

  @Test
  void encode_pubackSuccessV5_omitsReasonCodeAndProperties() {
    assertThat(
            Bytes.drain(
                MqttEncoder.encode(new Puback(1), MqttVersion.V5, ByteBufAllocator.DEFAULT)))
        .isEqualTo(bytes(0x40, 2, 0x00, 0x01));
  }

  @Test
  void encode_pubackWithReasonV5_omitsEmptyProperties() {
    Puback p = new Puback(1, ReasonCode.NO_MATCHING_SUBSCRIBERS, MqttProperties.EMPTY);
    assertThat(Bytes.drain(MqttEncoder.encode(p, MqttVersion.V5, ByteBufAllocator.DEFAULT)))
        .isEqualTo(bytes(0x40, 3, 0x00, 0x01, 0x10));
  }

  @Test
  void encode_pubrelV311_hasFlags0010() {
    assertThat(
            Bytes.drain(
                MqttEncoder.encode(new Pubrel(258), MqttVersion.V3_1_1, ByteBufAllocator.DEFAULT)))
        .isEqualTo(bytes(0x62, 2, 0x01, 0x02));
  }

  @Test
  void encode_disconnectNormalV5_isTwoBytes() {
    assertThat(
            Bytes.drain(
                MqttEncoder.encode(new Disconnect(), MqttVersion.V5, ByteBufAllocator.DEFAULT)))
        .isEqualTo(bytes(0xE0, 0));
  }

  @Test
  void encode_subackV311_mapsErrorsTo0x80() {
    Suback s =
        new Suback(
            5, List.of(ReasonCode.GRANTED_QOS_1, ReasonCode.NOT_AUTHORIZED), MqttProperties.EMPTY);
    assertThat(Bytes.drain(MqttEncoder.encode(s, MqttVersion.V3_1_1, ByteBufAllocator.DEFAULT)))
        .isEqualTo(bytes(0x90, 4, 0x00, 0x05, 0x01, 0x80));
  }

  @Test
  void encode_connackV311_mapsReasonToReturnCode() {
    Connack c = new Connack(false, ReasonCode.BAD_USER_NAME_OR_PASSWORD, MqttProperties.EMPTY);
    assertThat(Bytes.drain(MqttEncoder.encode(c, MqttVersion.V3_1_1, ByteBufAllocator.DEFAULT)))
        .isEqualTo(bytes(0x20, 2, 0x00, 0x04));
  }

  @Test
  void encode_publishV5WithAliasAndContentType_bytesAsSpecified() {
    Publish p =
        new Publish(
            false,
            Qos.AT_LEAST_ONCE,
            true,
            "t",
            2,
            MqttProperties.builder().topicAlias(1).contentType("a").build(),
            Unpooled.wrappedBuffer(bytes("x")));
    assertThat(Bytes.drain(MqttEncoder.encode(p, MqttVersion.V5, ByteBufAllocator.DEFAULT)))
        .isEqualTo(
            bytes(
                0x33, 14, // PUBLISH QoS 1 retain
                0x00, 1, "t", // topic
                0x00, 0x02, // packet id
                7, // property length
                0x23, 0x00, 0x01, // Topic Alias 1 (per-subscriber part first)
                0x03, 0x00, 1, "a", // Content Type "a"
                "x")); // payload
  }
}
