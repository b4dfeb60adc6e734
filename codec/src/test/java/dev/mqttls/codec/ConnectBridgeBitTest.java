package dev.mqttls.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/** mosquitto's try_private: the top bit of the CONNECT protocol level says "bridge". */
class ConnectBridgeBitTest {
  private static Connect connect(MqttVersion v, boolean bridge) {
    return new Connect(v, "b", false, 60, null, null, null, MqttProperties.EMPTY, bridge);
  }

  @Test
  void v311Bridge_level0x84_v31Bridge_level0x83_ordinary_unchanged() {
    byte[] bridge =
        Bytes.drain(
            MqttEncoder.encode(
                connect(MqttVersion.V3_1_1, true), MqttVersion.V3_1_1, ByteBufAllocator.DEFAULT));
    byte[] plain =
        Bytes.drain(
            MqttEncoder.encode(
                connect(MqttVersion.V3_1_1, false), MqttVersion.V3_1_1, ByteBufAllocator.DEFAULT));
    // 0x10, remaining length, 00 04 'M' 'Q' 'T' 'T', protocol level
    assertThat(bridge[8]).isEqualTo((byte) 0x84);
    assertThat(plain[8]).isEqualTo((byte) 0x04);
    bridge[8] = 0x04;
    assertThat(bridge).as("nothing else differs").isEqualTo(plain);
    byte[] v31 =
        Bytes.drain(
            MqttEncoder.encode(
                connect(MqttVersion.V3_1, true), MqttVersion.V3_1, ByteBufAllocator.DEFAULT));
    // 0x10, remaining length, 00 06 'M' 'Q' 'I' 's' 'd' 'p', protocol level
    assertThat(v31[10]).isEqualTo((byte) 0x83);
  }

  @Test
  void mqtt5HasNoBridgeBit() {
    assertThatThrownBy(() -> connect(MqttVersion.V5, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No Local");
    assertThat(connect(MqttVersion.V3_1_1, true)).isNotEqualTo(connect(MqttVersion.V3_1_1, false));
    assertThat(connect(MqttVersion.V3_1_1, true).toString()).endsWith(", bridge]");
  }
}
