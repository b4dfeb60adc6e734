package dev.mqttls.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A PUBLISH encoded once for many subscribers gives the same bytes as one-off encodings. */
class EncodedPublishTest {

  /** One subscriber's delivery parameters. */
  record Delivery(
      Qos qos,
      int packetId,
      boolean dup,
      boolean retain,
      int alias,
      boolean omitTopic,
      List<Integer> ids) {}

  private static ByteBuf payload(int size) {
    ByteBuf b = Unpooled.buffer(size);
    for (int i = 0; i < size; i++) {
      b.writeByte(i * 31);
    }
    return b;
  }

  private static byte[] oneOff(Publish template, Delivery d, MqttVersion v) {
    MqttProperties props =
        template
            .properties()
            .withTopicAlias(d.alias() > 0 ? d.alias() : null)
            .withSubscriptionIdentifiers(d.ids());
    Publish p =
        new Publish(
            d.dup(),
            d.qos(),
            d.retain(),
            d.omitTopic() ? "" : template.topic(),
            d.packetId(),
            props,
            template.payload());
    return Bytes.drain(MqttEncoder.encode(p, v, ByteBufAllocator.DEFAULT));
  }

  @ParameterizedTest(name = "{0}, payload {1} bytes")
  @CsvSource({"V3_1_1, 0", "V3_1_1, 20", "V3_1_1, 4000", "V5, 0", "V5, 20", "V5, 4000"})
  void forSubscriber_sameBytesAsOneOffEncode(MqttVersion v, int payloadSize) {
    boolean v5 = v == MqttVersion.V5;
    MqttProperties props =
        v5
            ? MqttProperties.builder()
                .contentType("text/plain")
                .messageExpiryInterval(60L)
                .userProperty("k", "v")
                .topicAlias(9)
                .subscriptionIdentifier(5)
                .build()
            : MqttProperties.EMPTY;
    Publish template =
        new Publish(
            false, Qos.EXACTLY_ONCE, true, "sensors/42/temp", 17, props, payload(payloadSize));
    List<Delivery> deliveries =
        v5
            ? List.of(
                new Delivery(Qos.AT_MOST_ONCE, 0, false, false, 0, false, List.of()),
                new Delivery(Qos.AT_LEAST_ONCE, 1, false, true, 0, false, List.of(1)),
                new Delivery(
                    Qos.EXACTLY_ONCE, 65535, true, false, 3, false, List.of(2, 268_435_455)),
                new Delivery(Qos.AT_LEAST_ONCE, 300, false, false, 3, true, List.of()))
            : List.of(
                new Delivery(Qos.AT_MOST_ONCE, 0, false, false, 0, false, List.of()),
                new Delivery(Qos.AT_LEAST_ONCE, 1, false, true, 0, false, List.of()),
                new Delivery(Qos.EXACTLY_ONCE, 65535, true, false, 0, false, List.of()));
    EncodedPublish enc = EncodedPublish.of(template, v);
    try {
      for (Delivery d : deliveries) {
        ByteBuf shared =
            enc.forSubscriber(
                ByteBufAllocator.DEFAULT,
                d.qos(),
                d.packetId(),
                d.dup(),
                d.retain(),
                d.alias(),
                d.omitTopic(),
                d.ids());
        assertThat(shared.readableBytes())
            .isEqualTo(enc.encodedSize(d.qos(), d.alias(), d.omitTopic(), d.ids()));
        assertThat(Bytes.drain(shared)).as(d.toString()).isEqualTo(oneOff(template, d, v));
      }
    } finally {
      enc.release();
      template.release();
    }
    assertThat(template.refCnt()).isZero();
  }

  @Test
  void forSubscriber_largePayload_sharedNotCopied() {
    Publish template = Publish.qos0("a", payload(EncodedPublish.SHARE_THRESHOLD));
    EncodedPublish enc = EncodedPublish.of(template, MqttVersion.V5);
    template.release(); // the encoding keeps the payload alive
    assertThat(template.payload().refCnt()).isEqualTo(1);
    ByteBuf a =
        enc.forSubscriber(
            ByteBufAllocator.DEFAULT, Qos.AT_MOST_ONCE, 0, false, false, 0, false, List.of());
    ByteBuf b =
        enc.forSubscriber(
            ByteBufAllocator.DEFAULT, Qos.AT_MOST_ONCE, 0, false, false, 0, false, List.of());
    assertThat(template.payload().refCnt()).isEqualTo(3); // one buffer, three holders
    enc.release();
    a.release();
    assertThat(template.payload().refCnt()).isEqualTo(1);
    b.release();
    assertThat(template.payload().refCnt()).isZero();
  }

  @Test
  void forSubscriber_packetIdWithQos0_rejected() {
    Publish template = Publish.qos0("a", payload(1));
    EncodedPublish enc = EncodedPublish.of(template, MqttVersion.V3_1_1);
    try {
      assertThatThrownBy(
              () ->
                  enc.forSubscriber(
                      ByteBufAllocator.DEFAULT,
                      Qos.AT_MOST_ONCE,
                      5,
                      false,
                      false,
                      0,
                      false,
                      List.of()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () ->
                  enc.forSubscriber(
                      ByteBufAllocator.DEFAULT,
                      Qos.AT_LEAST_ONCE,
                      1,
                      false,
                      false,
                      2,
                      false,
                      List.of()))
          .hasMessageContaining("MQTT 5");
    } finally {
      enc.release();
      template.release();
    }
  }
}
