package dev.mqttls.pki.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InspectorTest {
  @Test
  void compactIp_rfc5952Style() {
    assertThat(Inspector.compactIp("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(Inspector.compactIp("fd00:0:0:0:0:0:0:2")).isEqualTo("fd00::2");
    assertThat(Inspector.compactIp("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
    assertThat(Inspector.compactIp("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2:3:4:5:6");
    assertThat(Inspector.compactIp("0:0:0:0:0:0:0:0")).isEqualTo("::");
    assertThat(Inspector.compactIp("127.0.0.1")).isEqualTo("127.0.0.1");
  }
}
