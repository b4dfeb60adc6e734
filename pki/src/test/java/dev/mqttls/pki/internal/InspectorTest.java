package dev.mqttls.pki.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.pki.HeldCertificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InspectorTest {
  @Test
  void verify_rootExpired_notVerifiedThoughPkixAloneWouldAccept() {
    Instant now = Instant.now();
    HeldCertificate root =
        HeldCertificate.newBuilder()
            .commonName("Old Root")
            .certificateAuthority()
            .validity(now.minus(Duration.ofDays(900)), now.minus(Duration.ofDays(1)))
            .build();
    HeldCertificate leaf =
        HeldCertificate.newBuilder()
            .commonName("device")
            .validity(now.minus(Duration.ofDays(5)), now.plus(Duration.ofDays(5)))
            .signedBy(root)
            .build();
    var v = Inspector.verify(leaf.certificate(), root.certificate(), null);
    assertThat(v.verified()).isFalse();
    assertThat(v.detail()).contains("root certificate expired");
    HeldCertificate goodRoot = HeldCertificate.newBuilder().certificateAuthority().build();
    HeldCertificate good = HeldCertificate.newBuilder().signedBy(goodRoot).build();
    assertThat(Inspector.verify(good.certificate(), goodRoot.certificate(), null).verified())
        .isTrue();
  }

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
