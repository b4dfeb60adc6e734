package dev.mqttls.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.bridge.BridgeConfig.StartType;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.client.ServerAddress;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Connection blocks read from the broker's own file, with mosquitto's defaults. */
class BridgeConfigsTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("mqttls.conf");
    Files.writeString(f, text);
    return f;
  }

  private List<BridgeConfig> parse(String text) throws Exception {
    return BridgeConfigs.parse(ConfReader.read(file(text)), "gw");
  }

  @Test
  void defaults_asMosquitto() throws Exception {
    BridgeConfig b =
        parse("listener 0 127.0.0.1\nconnection cloud\naddress broker.example\n").get(0);
    assertThat(b.addresses()).containsExactly(new ServerAddress("broker.example", 1883));
    assertThat(b.remoteClientId()).isEqualTo("gw.cloud");
    assertThat(b.localClientId()).isEqualTo("local.gw.cloud");
    assertThat(b.notificationTopic()).isEqualTo("$SYS/broker/connection/gw.cloud/state");
    assertThat(b.version()).isEqualTo(MqttVersion.V3_1_1);
    assertThat(b.cleanSession()).isFalse();
    assertThat(b.localCleanSession()).isFalse();
    assertThat(b.keepAliveSeconds()).isEqualTo(60);
    assertThat(b.restartBase()).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.restartCap()).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.tryPrivate()).isTrue();
    assertThat(b.notifications()).isTrue();
    assertThat(b.startType()).isEqualTo(StartType.AUTOMATIC);
    assertThat(b.outgoingRetain()).isTrue();
    assertThat(b.tls()).isEmpty();
    assertThat(b.topics()).isEmpty();
  }

  @Test
  void fullBlock_andTheBrokerStartsWithTheSameFile() throws Exception {
    Files.writeString(dir.resolve("ca.crt"), "x");
    String text =
        """
        listener 0 127.0.0.1
        connection aws
        addresses a.example:8883 b.example:443 [::1]:8883
        topic sensors/# out 1 "" gw-7/
        topic cmd/# in 2 gw/ devices/gw-7/
        bridge_cafile ca.crt
        bridge_certfile ca.crt
        bridge_keyfile ca.crt
        bridge_alpn x-amzn-mqtt-ca
        bridge_tls_version tlsv1.3
        bridge_insecure false
        bridge_protocol_version mqttv50
        remote_clientid gw-7
        remote_username gw
        remote_password s3cret
        cleansession true
        local_cleansession false
        keepalive_interval 2
        restart_timeout 20
        try_private false
        notification_topic gw/state
        notifications_local_only true
        start_type once
        local_clientid bridge-aws
        bridge_max_packet_size 1000
        bridge_outgoing_retain false
        idle_timeout 60
        threshold 10
        round_robin false
        """;
    BridgeConfig b = parse(text).get(0);
    assertThat(b.addresses())
        .containsExactly(
            new ServerAddress("a.example", 8883),
            new ServerAddress("b.example", 443),
            new ServerAddress("::1", 8883));
    assertThat(b.topics()).hasSize(2);
    assertThat(b.tls().orElseThrow().alpn()).containsExactly("x-amzn-mqtt-ca");
    assertThat(b.version()).isEqualTo(MqttVersion.V5);
    assertThat(b.remoteClientId()).isEqualTo("gw-7");
    assertThat(b.localClientId()).isEqualTo("bridge-aws");
    assertThat(b.cleanSession()).isTrue();
    assertThat(b.localCleanSession()).isFalse();
    assertThat(b.keepAliveSeconds()).as("raised to 5 as mosquitto").isEqualTo(5);
    assertThat(b.restartBase()).isEqualTo(b.restartCap()).isEqualTo(Duration.ofSeconds(20));
    assertThat(b.notificationTopic()).isEqualTo("gw/state");
    assertThat(b.startType()).isEqualTo(StartType.ONCE);
    assertThat(b.maxPacketSize()).isEqualTo(1000);
    assertThat(b.outgoingRetain()).isFalse();
    // the password is kept but never printed
    assertThat(
            new String(b.remotePassword().orElseThrow(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("s3cret");
    assertThat(b.toString()).doesNotContain("s3cret").contains("remote password set");
    // the broker reads the same file and leaves the bridge lines to this module
    BrokerConfig.parse(dir.resolve("mqttls.conf"));
  }

  @Test
  void twoBridges_andNoBridge() throws Exception {
    assertThat(parse("listener 0\n")).isEmpty();
    List<BridgeConfig> two =
        parse("connection a\naddress h1\nlistener 0\nconnection b\naddress h2:1884\ntopic x in\n");
    assertThat(two).extracting(BridgeConfig::name).containsExactly("a", "b");
    assertThat(two.get(1).topics()).hasSize(1);
    assertThat(two.get(0).topics()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "address h                                  | 1: address: belongs to a bridge: put it after a 'connection NAME' line",
        "connection a                               | 1: connection: bridge a has no address",
        "connection a\\naddress h\\naddress g       | 3: address: this bridge's addresses are already given at line 2",
        "connection a\\naddress h\\nconnection a    | 3: connection: a bridge called 'a' is already defined",
        "connection a\\naddress h:99999             | 2: address: 99999 is out of range 1..65535",
        "connection a\\naddress h\\nstart_type lazy | 3: start_type: lazy is not supported",
        "connection a\\naddress h\\nround_robin true | 3: round_robin: true is not supported",
        "connection a\\naddress h\\nbridge_protocol_version mqttv6 | 3: bridge_protocol_version: must be mqttv50, mqttv311 or mqttv31",
        "connection a\\naddress h\\nbridge_tls_version tlsv1.1 | 3: bridge_tls_version: tlsv1.1 is not offered",
        "connection a\\naddress h\\nbridge_certfile c.pem | 3: bridge_certfile: needs bridge_cafile or bridge_capath",
        "connection a\\naddress h\\nbridge_alpn mqtt | 3: bridge_alpn: needs bridge_cafile or bridge_capath",
        "connection a\\naddress h\\nremote_password pw | 3: remote_password: needs remote_username as well",
        "connection a\\naddress h\\nrestart_timeout 30 10 | 3: restart_timeout: the cap 10 is below the base 30",
        "connection a\\naddress h\\nnotification_topic a/# | 3: notification_topic: 'a/#' is not a topic name",
        "connection a\\naddress h\\nconnection b\\naddress g\\nlocal_clientid local.gw.a | 3: connection: local_clientid 'local.gw.a' is also bridge a",
        "connection a\\naddress h\\nbridge_psk 00ff | 3: bridge_psk: TLS-PSK bridges are not yet supported",
      })
  void refusals_nameFileLineAndCause(String text, String message) throws Exception {
    String conf = text.trim().replace("\\n", "\n") + "\n";
    Path f = file(conf);
    assertThatThrownBy(() -> BridgeConfigs.parse(ConfReader.read(f), "gw"))
        .isInstanceOf(ConfException.class)
        .hasMessageContaining(f + ":" + message.trim());
  }
}
