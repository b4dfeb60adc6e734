package dev.mqttls.doctor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Name matching as RFC 6125 and device stacks do it. */
class CertsTest {
  @Test
  void dnsMatch_exactAndCaseInsensitive() {
    assertThat(Certs.dnsMatches("Broker.Example", List.of("broker.example"))).isTrue();
    assertThat(Certs.dnsMatches("broker.example.", List.of("broker.example"))).isTrue();
    assertThat(Certs.dnsMatches("other.example", List.of("broker.example"))).isFalse();
  }

  @Test
  void wildcard_matchesOneLeftmostLabelOnly() {
    List<String> names = List.of("*.iot.example");
    assertThat(Certs.dnsMatches("a.iot.example", names)).isTrue();
    assertThat(Certs.dnsMatches("a.b.iot.example", names)).isFalse();
    assertThat(Certs.dnsMatches("iot.example", names)).isFalse();
    assertThat(Certs.dnsMatches("a.example", List.of("*.example"))).isFalse();
  }

  @Test
  void ipLiterals_andTheirMatching() {
    assertThat(Certs.isIpLiteral("192.168.0.111")).isTrue();
    assertThat(Certs.isIpLiteral("::1")).isTrue();
    assertThat(Certs.isIpLiteral("broker.local")).isFalse();
    assertThat(Certs.ipMatches("::1", List.of("0:0:0:0:0:0:0:1"))).isTrue();
    assertThat(Certs.ipMatches("127.0.0.1", List.of("127.0.0.2"))).isFalse();
  }
}
