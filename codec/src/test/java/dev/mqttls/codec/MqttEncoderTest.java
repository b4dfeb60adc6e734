package dev.mqttls.codec;

import static dev.mqttls.codec.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-channel encoder: versions, maximum packet size, payload sharing, releasing. */
class MqttEncoderTest {
  private final MqttEncoder encoder = new MqttEncoder(MqttVersion.V5);
  private final EmbeddedChannel ch = new EmbeddedChannel(encoder);

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private static Publish publish(int payloadSize) {
    ByteBuf payload = Unpooled.buffer(payloadSize);
    for (int i = 0; i < payloadSize; i++) {
      payload.writeByte(i);
    }
    return new Publish(false, Qos.AT_LEAST_ONCE, false, "a/b", 1, MqttProperties.EMPTY, payload);
  }

  @Test
  void write_smallPublish_sameBytesAsStaticEncodeAndReleased() {
    Publish p = publish(10);
    byte[] expected = Bytes.drain(MqttEncoder.encode(p, MqttVersion.V5, ByteBufAllocator.DEFAULT));
    ch.writeOutbound(p);
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(expected);
    assertThat(p.refCnt()).isZero();
  }

  @Test
  void write_largePublish_sharesPayloadWithoutCopy() {
    Publish p = publish(2000);
    ByteBuf payload = p.payload();
    byte[] expected = Bytes.drain(MqttEncoder.encode(p, MqttVersion.V5, ByteBufAllocator.DEFAULT));
    ch.writeOutbound(p);
    ByteBuf out = ch.readOutbound();
    assertThat(out).isInstanceOf(CompositeByteBuf.class);
    assertThat(payload.refCnt()).isEqualTo(1); // the packet's reference released, the output's held
    assertThat(Bytes.drain(out)).isEqualTo(expected);
    assertThat(payload.refCnt()).isZero();
  }

  @Test
  void write_v311Connack_encodedForThatVersion() {
    encoder.setVersion(MqttVersion.V3_1_1);
    ch.writeOutbound(new Connack(true, ReasonCode.SUCCESS, MqttProperties.EMPTY));
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(bytes(0x20, 2, 0x01, 0x00));
  }

  @Test
  void write_byteBuf_passesThrough() {
    ch.writeOutbound(Unpooled.wrappedBuffer(bytes(0xD0, 0x00)));
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(bytes(0xD0, 0x00));
  }

  @Test
  void write_publishOverPeerMaximum_notSentAndPromiseFailed() {
    encoder.setMaximumPacketSize(50);
    Publish p = publish(100);
    ChannelFuture f = ch.writeOneOutbound(p);
    ch.flushOutbound();
    assertThat(f.isSuccess()).isFalse();
    assertThat(f.cause()).isInstanceOf(PacketTooLargeException.class);
    PacketTooLargeException e = (PacketTooLargeException) f.cause();
    assertThat(e.type()).isEqualTo(PacketType.PUBLISH);
    assertThat(e.size()).isEqualTo(110);
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(p.refCnt()).isZero();
  }

  @Test
  void write_ackOverPeerMaximum_dropsReasonStringAndUserProperties() {
    encoder.setMaximumPacketSize(10);
    MqttProperties diag =
        MqttProperties.builder()
            .reasonString("a long reason string")
            .userProperty("k", "v")
            .build();
    ch.writeOutbound(new Puback(1, ReasonCode.NO_MATCHING_SUBSCRIBERS, diag));
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(bytes(0x40, 3, 0x00, 0x01, 0x10));
  }

  @Test
  void write_disconnectUnderPeerMaximum_keepsReasonString() {
    encoder.setMaximumPacketSize(100);
    Disconnect d =
        new Disconnect(
            ReasonCode.PROTOCOL_ERROR, MqttProperties.builder().reasonString("bad").build());
    ch.writeOutbound(d);
    assertThat(Bytes.drain(ch.readOutbound()))
        .isEqualTo(bytes(0xE0, 8, 0x82, 6, 0x1F, 0x00, 3, "bad"));
  }

  @Test
  void write_authInV311_failsPromise() {
    encoder.setVersion(MqttVersion.V3_1_1);
    ChannelFuture f = ch.writeOneOutbound(new Auth());
    ch.flushOutbound();
    assertThat(f.cause()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AUTH");
  }

  @Test
  void write_connackWithoutV311Code_failsPromiseWithoutLeaking() {
    encoder.setVersion(MqttVersion.V3_1_1);
    ChannelFuture f =
        ch.writeOneOutbound(new Connack(false, ReasonCode.MALFORMED_PACKET, MqttProperties.EMPTY));
    ch.flushOutbound();
    assertThat(f.cause()).hasMessageContaining("close without CONNACK");
    assertThat(ch.<Object>readOutbound()).isNull();
  }

  @Test
  void write_aliasOnlyPublishInV311_failsPromiseAndReleases() {
    encoder.setVersion(MqttVersion.V3_1_1);
    Publish p =
        new Publish(
            false,
            Qos.AT_MOST_ONCE,
            false,
            "",
            0,
            MqttProperties.builder().topicAlias(1).build(),
            Unpooled.buffer(1).writeByte(1));
    ChannelFuture f = ch.writeOneOutbound(p);
    ch.flushOutbound();
    assertThat(f.cause()).hasMessageContaining("needs MQTT 5");
    assertThat(p.refCnt()).isZero();
  }

  @Test
  void encodedSize_matchesBytes() {
    Suback s = new Suback(1, List.of(ReasonCode.GRANTED_QOS_0), MqttProperties.EMPTY);
    assertThat(MqttEncoder.encodedSize(s, MqttVersion.V5)).isEqualTo(6);
  }
}
