package dev.mqttls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {
  @Test
  void builders_rejectBadValues_namingTheParameter() {
    assertThatThrownBy(() -> MqttClientConfig.builder("h").port(0)).hasMessageContaining("port");
    assertThatThrownBy(() -> MqttClientConfig.builder("h").keepAliveSeconds(70_000))
        .hasMessageContaining("keepAliveSeconds");
    assertThatThrownBy(() -> MqttClientConfig.builder("bad host")).hasMessageContaining("host");
    assertThatThrownBy(
            () ->
                MqttClientConfig.builder("h").version(MqttVersion.V3_1_1).cleanStart(false).build())
        .hasMessageContaining("clientId");
    assertThatThrownBy(() -> Message.builder("a/+/b")).hasMessageContaining("wildcard");
    assertThatThrownBy(() -> Subscription.of("a/#/b", Qos.AT_MOST_ONCE))
        .hasMessageContaining("topic filter");
    assertThatThrownBy(() -> new OfflineBuffer(-1, OfflineBuffer.Overflow.FAIL))
        .hasMessageContaining("capacity");
    assertThatThrownBy(() -> TlsConfig.builder().protocols(java.util.List.of("SSLv3")))
        .hasMessageContaining("SSLv3");
  }

  @Test
  void toString_neverShowsSecrets() {
    MqttClientConfig c =
        MqttClientConfig.builder("broker.example")
            .username("alice")
            .password("s3cret-pw".toCharArray())
            .build();
    assertThat(c.toString()).contains("alice").contains("password=(set)").doesNotContain("s3cret");
    Message m = Message.of("t", "payload-secret");
    assertThat(m.toString()).doesNotContain("payload-secret").contains("14 bytes");
  }

  @Test
  void defaults_suitOneShotUse() {
    MqttClientConfig c = MqttClientConfig.builder("h").build();
    assertThat(c.port()).isEqualTo(1883);
    assertThat(c.version()).isEqualTo(MqttVersion.V5);
    assertThat(c.reconnect().enabled()).isFalse();
    assertThat(c.offlineBuffer().capacity()).isZero();
    assertThat(MqttClientConfig.builder("h").tls(TlsConfig.defaults()).build().port())
        .isEqualTo(8883);
    assertThat(MqttClientConfig.builder("::1").build().brokerUrl()).isEqualTo("mqtt://[::1]:1883");
  }

  @Test
  void reconnectPolicy_growsExponentiallyUpToTheMaximum_withinJitter() {
    ReconnectPolicy p =
        new ReconnectPolicy(true, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2);
    assertThat(p.baseDelay(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.baseDelay(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.baseDelay(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(p.baseDelay(10)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.baseDelay(1000)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delay(1, 0.0)).isEqualTo(Duration.ofMillis(160));
    assertThat(p.delay(1, 0.5)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.delay(1, 0.9999)).isBetween(Duration.ofMillis(239), Duration.ofMillis(240));
  }

  @Test
  void newOptions_areCheckedAndKept() {
    assertThatThrownBy(() -> MqttClientConfig.builder("h").version(MqttVersion.V3_1).build())
        .hasMessageContaining("MQTT 3.1 needs a clientId of 1 to 23 characters");
    assertThat(
            MqttClientConfig.builder("h")
                .version(MqttVersion.V3_1)
                .clientId("d1")
                .build()
                .version())
        .isEqualTo(MqttVersion.V3_1);
    assertThatThrownBy(
            () ->
                MqttClientConfig.builder("h")
                    .unixSocket(java.nio.file.Path.of("/run/m.sock"))
                    .failoverServer("b", 1883)
                    .build())
        .hasMessageContaining("Unix socket");
    assertThatThrownBy(() -> MqttClientConfig.builder("h").failoverServer("b", 0))
        .hasMessageContaining("port");
    MqttClientConfig c =
        MqttClientConfig.builder("a")
            .port(1)
            .failoverServer("[::1]", 2)
            .socks5Proxy(Socks5Proxy.of("p", 1080).withCredentials("u", "secret".toCharArray()))
            .build();
    assertThat(c.servers()).containsExactly(new ServerAddress("a", 1), new ServerAddress("::1", 2));
    assertThat(c.servers().get(1).url(true)).isEqualTo("mqtts://[::1]:2");
    assertThat(c.toBuilder().build().servers()).isEqualTo(c.servers());
    assertThat(c.toString()).contains("socks5h://u:(set)@p:1080").doesNotContain("secret");
    assertThat(
            MqttClientConfig.builder("localhost")
                .unixSocket(java.nio.file.Path.of("/run/m.sock"))
                .build()
                .brokerUrl())
        .isEqualTo("unix:/run/m.sock");
  }

  @Test
  void missingFiles_areToldInWords() {
    assertThatThrownBy(() -> TlsConfig.builder().caFile(java.nio.file.Path.of("nope.crt")))
        .hasMessage("nope.crt: the CA file does not exist: check the path");
  }
}
