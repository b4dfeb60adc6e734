package dev.mqttls.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.internal.ServerCertificateVerifier.HostnameMatcher;
import org.junit.jupiter.api.Test;

class HostnameMatcherTest {
  @Test
  void dnsMatches_exactAndSingleLabelWildcard() {
    assertThat(HostnameMatcher.dnsMatches("broker.example.com", "broker.example.com")).isTrue();
    assertThat(HostnameMatcher.dnsMatches("*.example.com", "broker.example.com")).isTrue();
    assertThat(HostnameMatcher.dnsMatches("*.example.com", "a.b.example.com")).isFalse();
    assertThat(HostnameMatcher.dnsMatches("*.example.com", "example.com")).isFalse();
    assertThat(HostnameMatcher.dnsMatches("*.com", "example.com")).isFalse();
    assertThat(HostnameMatcher.dnsMatches("other.example.com", "broker.example.com")).isFalse();
  }

  @Test
  void normalize_ignoresCaseAndTrailingDot() {
    assertThat(HostnameMatcher.normalize("Broker.Example.COM.")).isEqualTo("broker.example.com");
  }

  @Test
  void ipAddresses_areComparedAsAddresses() {
    assertThat(HostnameMatcher.isIpAddress("127.0.0.1")).isTrue();
    assertThat(HostnameMatcher.isIpAddress("::1")).isTrue();
    assertThat(HostnameMatcher.isIpAddress("localhost")).isFalse();
    assertThat(HostnameMatcher.parseIp("0:0:0:0:0:0:0:1"))
        .isEqualTo(HostnameMatcher.parseIp("::1"));
    assertThat(HostnameMatcher.parseIp("localhost")).isNull();
  }
}
