package dev.mqttls.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.SamplePackets.Sample;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: random bytes and mutated valid packets. Whatever arrives, the decoder yields
 * packets and at most one {@link MalformedPacket} (always last), never throws, never reports a
 * violation its wire checks did not name, and leaks no buffer.
 */
class DecoderFuzzTest {
  private static final long SEED = Long.getLong("mqttls.seed", 77L);

  private static List<Object> decodeAll(EmbeddedChannel ch, byte[] data, Random r) {
    List<Object> out = new ArrayList<>();
    int i = 0;
    while (i < data.length) {
      int n = Math.min(data.length - i, 1 + r.nextInt(64)); // arbitrary read boundaries
      byte[] part = new byte[n];
      System.arraycopy(data, i, part, 0, n);
      i += n;
      ch.writeInbound(Unpooled.wrappedBuffer(part));
      for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
        out.add(o);
      }
    }
    return out;
  }

  private static void check(List<Object> out) {
    try {
      for (int i = 0; i < out.size(); i++) {
        Object o = out.get(i);
        if (o instanceof MalformedPacket m) {
          assertThat(i).as("MalformedPacket is the last output").isEqualTo(out.size() - 1);
          assertThat(m.cause()).doesNotStartWith("unchecked");
          assertThat(m.reason().isError()).isTrue();
        } else {
          assertThat(o).isInstanceOf(MqttPacket.class);
        }
      }
    } finally {
      out.forEach(ReferenceCountUtil::release);
    }
  }

  @Test
  void randomBytes_atMostOneMalformedPacketAndNoException() {
    Random r = new Random(SEED);
    for (int round = 0; round < 300; round++) {
      byte[] data = new byte[round == 0 ? 65536 : r.nextInt(2048)]; // first: 64 KiB
      r.nextBytes(data);
      EmbeddedChannel ch =
          r.nextBoolean()
              ? new EmbeddedChannel(MqttDecoder.forServer(DecoderLimits.DEFAULT))
              : Bytes.connectedServer(r.nextBoolean() ? MqttVersion.V5 : MqttVersion.V3_1_1);
      check(decodeAll(ch, data, r));
      assertThat(ch.finishAndReleaseAll()).isFalse();
    }
  }

  @Test
  void mutatedValidPackets_atMostOneMalformedPacketAndNoException() {
    Random r = new Random(SEED + 1);
    for (MqttVersion v : List.of(MqttVersion.V3_1_1, MqttVersion.V5)) {
      List<Sample> samples = SamplePackets.all(v);
      for (int round = 0; round < 1500; round++) {
        Sample s = samples.get(r.nextInt(samples.size()));
        byte[] wire = Bytes.drain(MqttEncoder.encode(s.packet(), v, ByteBufAllocator.DEFAULT));
        for (int flips = 1 + r.nextInt(3); flips > 0; flips--) {
          wire[r.nextInt(wire.length)] ^= (byte) (1 << r.nextInt(8));
        }
        EmbeddedChannel ch;
        if (s.fromClient()) {
          ch =
              s.packet() instanceof Connect
                  ? new EmbeddedChannel(MqttDecoder.forServer(DecoderLimits.DEFAULT))
                  : Bytes.connectedServer(v);
        } else {
          ch =
              s.packet() instanceof Connack || s.packet() instanceof Auth
                  ? new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, v))
                  : Bytes.connectedClient(v);
        }
        check(decodeAll(ch, wire, r));
        ch.finishAndReleaseAll();
      }
      samples.forEach(x -> ReferenceCountUtil.release(x.packet()));
    }
  }
}
