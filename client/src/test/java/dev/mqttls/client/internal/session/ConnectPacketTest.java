package dev.mqttls.client.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import org.junit.jupiter.api.Test;

/** The CONNECT a configuration produces: the MQTT 5 properties a user set, and only those. */
class ConnectPacketTest {

  private static Connect connectOf(MqttClientConfig config) {
    return new ClientSession(config, Runnable::run, () -> m -> {}, () -> "test", () -> {})
        .connectPacket();
  }

  @Test
  void clientLimitsAndRequests_areSentAsConnectProperties() {
    Connect c =
        connectOf(
            MqttClientConfig.builder("127.0.0.1")
                .receiveMaximum(10)
                .maximumPacketSize(2048)
                .requestProblemInformation(false)
                .requestResponseInformation(true)
                .will(Message.builder("gone").payload("bye").build())
                .willDelaySeconds(30)
                .build());
    MqttProperties p = c.properties();
    assertThat(p.receiveMaximum()).isEqualTo(10);
    assertThat(p.maximumPacketSize()).isEqualTo(2048L);
    assertThat(p.requestProblemInformation()).isFalse();
    assertThat(p.requestResponseInformation()).isTrue();
    assertThat(c.will().properties().willDelayInterval()).isEqualTo(30L);
  }

  @Test
  void unset_nothingIsSent_andMqtt311SendsNone() {
    MqttProperties none = connectOf(MqttClientConfig.builder("127.0.0.1").build()).properties();
    assertThat(none.receiveMaximum()).isNull();
    assertThat(none.maximumPacketSize()).isNull();
    assertThat(none.requestProblemInformation()).isNull();
    Connect v311 =
        connectOf(
            MqttClientConfig.builder("127.0.0.1")
                .version(MqttVersion.V3_1_1)
                .clientId("old")
                .receiveMaximum(10)
                .build());
    assertThat(v311.properties().receiveMaximum()).isNull();
  }

  @Test
  void limitsOutOfRange_andAWillDelayWithoutWill_areRefused() {
    assertThatThrownBy(() -> MqttClientConfig.builder("h").receiveMaximum(0))
        .hasMessage("receiveMaximum must be 1..65535, was 0");
    assertThatThrownBy(() -> MqttClientConfig.builder("h").maximumPacketSize(0))
        .hasMessageContaining("maximumPacketSize must be 1..4294967295");
    assertThatThrownBy(() -> MqttClientConfig.builder("h").willDelaySeconds(5).build())
        .hasMessage("a will delay needs a will message");
  }
}
