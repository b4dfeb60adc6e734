package dev.mqttls.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Jazzer target for the server-side decoder, stateful: a valid CONNECT of either version first,
 * then whatever the fuzzer writes, split at fuzzer-chosen read boundaries. Whatever arrives, the
 * decoder yields packets and at most one {@link MalformedPacket} (always last), never throws, and
 * leaks no buffer.
 *
 * <p>Input layout: byte 0 is control (bit 0: MQTT 5 rather than 3.1.1; bit 1: no CONNECT prefix,
 * the input is the whole stream; bits 2-7: read size minus one, 1..64); the rest is wire bytes.
 * Seeds are in {@code MqttDecoderFuzzTestInputs/decode/}. Without {@code JAZZER_FUZZ} only the
 * seeds run (regression mode); docs/fuzzing.md says how to fuzz.
 */
class MqttDecoderFuzzTest {

  @FuzzTest(maxDuration = "4m")
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int control = input[0] & 0xFF;
    MqttVersion version = (control & 1) != 0 ? MqttVersion.V5 : MqttVersion.V3_1_1;
    boolean raw = (control & 2) != 0;
    int chunk = 1 + (control >> 2);
    byte[] data = Arrays.copyOfRange(input, 1, input.length);
    EmbeddedChannel ch =
        raw
            ? new EmbeddedChannel(MqttDecoder.forServer(DecoderLimits.DEFAULT))
            : Bytes.connectedServer(version);
    List<Object> out = new ArrayList<>();
    try {
      for (int i = 0; i < data.length; i += chunk) {
        int n = Math.min(chunk, data.length - i);
        ch.writeInbound(Unpooled.wrappedBuffer(data, i, n));
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
          out.add(o);
        }
      }
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
      ch.finishAndReleaseAll();
    }
  }
}
