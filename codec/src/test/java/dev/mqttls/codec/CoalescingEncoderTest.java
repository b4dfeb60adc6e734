package dev.mqttls.codec;

import static dev.mqttls.codec.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The encoder's coalescing mode and shared-encoding deliveries. */
class CoalescingEncoderTest {
  private final MqttEncoder encoder = new MqttEncoder(MqttVersion.V5);
  private final EmbeddedChannel ch = new EmbeddedChannel(encoder);

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private static byte[] oneOff(MqttPacket p) {
    return Bytes.drain(MqttEncoder.encode(p, MqttVersion.V5, ByteBufAllocator.DEFAULT));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void coalescing_smallPacketsUntilFlush_becomeOneBufferInOrder() {
    encoder.setCoalescing(true);
    ChannelFuture a = ch.write(new Puback(1));
    ChannelFuture b = ch.write(Publish.qos0("t", Unpooled.wrappedBuffer(bytes("x"))));
    ChannelFuture c = ch.write(Pingresp.INSTANCE);
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(a.isDone()).isFalse();
    ch.flush();
    ByteBuf out = ch.readOutbound();
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(Bytes.drain(out))
        .isEqualTo(
            concat(
                bytes(0x40, 2, 0x00, 0x01),
                bytes(0x30, 5, 0x00, 1, "t", 0x00, "x"),
                bytes(0xD0, 0x00)));
    assertThat(a.isSuccess() && b.isSuccess() && c.isSuccess()).isTrue();
  }

  @Test
  void coalescing_largePublishOrByteBufInBetween_keepsOrder() {
    encoder.setCoalescing(true);
    Publish big =
        new Publish(
            false, Qos.AT_MOST_ONCE, false, "big", 0, null, Unpooled.wrappedBuffer(new byte[4000]));
    byte[] bigBytes = oneOff(big);
    ch.write(new Puback(1));
    ch.write(big);
    ch.write(Unpooled.wrappedBuffer(bytes(0xD0, 0x00)));
    ch.write(new Puback(2));
    ch.flush();
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(bytes(0x40, 2, 0x00, 0x01));
    ByteBuf composite = ch.readOutbound();
    assertThat(composite).isInstanceOf(CompositeByteBuf.class);
    assertThat(Bytes.drain(composite)).isEqualTo(bigBytes);
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(bytes(0xD0, 0x00));
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(bytes(0x40, 2, 0x00, 0x02));
    assertThat(ch.<Object>readOutbound()).isNull();
  }

  @Test
  void coalescing_bufferFull_passesOnAndStartsAnother() {
    encoder.setCoalescing(true);
    int count = MqttEncoder.COALESCE_CAPACITY / 4 + 10; // PUBACKs of 4 bytes each
    for (int i = 1; i <= count; i++) {
      ch.write(new Puback(i));
    }
    ch.flush();
    ByteBuf first = ch.readOutbound();
    ByteBuf second = ch.readOutbound();
    assertThat(first.readableBytes()).isEqualTo(MqttEncoder.COALESCE_CAPACITY);
    assertThat(second.readableBytes()).isEqualTo(40);
    assertThat(second.getUnsignedShort(2)).isEqualTo(count - 9);
    first.release();
    second.release();
  }

  @Test
  void coalescing_closeWithUnflushedPackets_failsTheirPromisesAndReleases() {
    encoder.setCoalescing(true);
    ChannelFuture a = ch.write(new Puback(1));
    ch.close();
    assertThat(a.cause()).isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void coalescing_tooLargePublish_failsOnlyItsOwnPromise() {
    encoder.setCoalescing(true);
    encoder.setMaximumPacketSize(20);
    ChannelFuture ok = ch.write(new Puback(1));
    ChannelFuture tooBig = ch.write(Publish.qos0("t", Unpooled.wrappedBuffer(new byte[30])));
    ch.flush();
    assertThat(tooBig.cause()).isInstanceOf(PacketTooLargeException.class);
    assertThat(ok.isSuccess()).isTrue();
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(bytes(0x40, 2, 0x00, 0x01));
  }

  @Test
  void delivery_withAndWithoutCoalescing_sameBytesAsForSubscriber() {
    Publish template =
        new Publish(
            false,
            Qos.AT_LEAST_ONCE,
            false,
            "d/e",
            1,
            MqttProperties.builder().contentType("c").build(),
            Unpooled.wrappedBuffer(bytes("payload")));
    EncodedPublish enc = EncodedPublish.of(template, MqttVersion.V5);
    byte[] expected =
        Bytes.drain(
            enc.forSubscriber(
                ByteBufAllocator.DEFAULT, Qos.AT_LEAST_ONCE, 9, false, true, 2, false, List.of(4)));
    ch.writeOutbound(enc.delivery(Qos.AT_LEAST_ONCE, 9, false, true, 2, false, List.of(4)));
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(expected);
    encoder.setCoalescing(true);
    ch.write(enc.delivery(Qos.AT_LEAST_ONCE, 9, false, true, 2, false, List.of(4)));
    ch.write(enc.delivery(Qos.AT_LEAST_ONCE, 9, false, true, 2, false, List.of(4)));
    ch.flush();
    assertThat(Bytes.drain(ch.readOutbound())).isEqualTo(concat(expected, expected));
    enc.release();
    template.release();
    assertThat(template.refCnt()).isZero(); // every delivery released its reference
  }

  @Test
  void delivery_overPeerMaximum_failsPromiseAndReleases() {
    Publish template = Publish.qos0("d", Unpooled.wrappedBuffer(new byte[100]));
    EncodedPublish enc = EncodedPublish.of(template, MqttVersion.V5);
    encoder.setMaximumPacketSize(50);
    ChannelFuture f =
        ch.writeOneOutbound(enc.delivery(Qos.AT_MOST_ONCE, 0, false, false, 0, false, List.of()));
    ch.flushOutbound();
    assertThat(f.cause()).isInstanceOf(PacketTooLargeException.class);
    enc.release();
    template.release();
    assertThat(template.refCnt()).isZero();
  }

  @Test
  void delivery_forAnotherVersion_refused() {
    Publish template = Publish.qos0("d", Unpooled.wrappedBuffer(new byte[1]));
    EncodedPublish enc = EncodedPublish.of(template, MqttVersion.V3_1_1);
    ChannelFuture f =
        ch.writeOneOutbound(enc.delivery(Qos.AT_MOST_ONCE, 0, false, false, 0, false, List.of()));
    ch.flushOutbound();
    assertThat(f.cause()).hasMessageContaining("V3_1_1");
    enc.release();
    template.release();
    assertThat(template.refCnt()).isZero();
  }
}
