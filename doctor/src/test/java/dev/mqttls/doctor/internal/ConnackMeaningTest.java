package dev.mqttls.doctor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CONNACK codes of both protocol versions map to the finding a person can act on. The CONNACK is
 * fed through the same reader the probe uses, byte by byte as a broker sends it.
 */
class ConnackMeaningTest {

  @ParameterizedTest(name = "v{0} rc 0x{1} user={2} -> {3}")
  @CsvSource({
    "4, 00, false, MQTT_CONNECTED",
    "4, 01, false, MQTT_PROTOCOL_REFUSED",
    "4, 02, false, MQTT_CLIENT_ID_REJECTED",
    "4, 03, false, MQTT_SERVER_UNAVAILABLE",
    "4, 04, true, MQTT_BAD_CREDENTIALS",
    "4, 05, false, MQTT_NOT_AUTHORIZED",
    "4, 05, true, MQTT_BAD_CREDENTIALS",
    "5, 00, false, MQTT_CONNECTED",
    "5, 84, false, MQTT_PROTOCOL_REFUSED",
    "5, 85, false, MQTT_CLIENT_ID_REJECTED",
    "5, 86, true, MQTT_BAD_CREDENTIALS",
    "5, 87, false, MQTT_NOT_AUTHORIZED",
    "5, 88, false, MQTT_SERVER_UNAVAILABLE",
    "5, 89, false, MQTT_SERVER_UNAVAILABLE",
    "5, 8a, false, MQTT_CONNECT_REFUSED"
  })
  void connackCodeToFinding(int level, String hex, boolean user, FindingCode expected)
      throws IOException {
    int rc = Integer.parseInt(hex, 16);
    byte[] connack =
        level == 5
            ? new byte[] {0x20, 3, 0x00, (byte) rc, 0x00} // flags, reason, empty properties
            : new byte[] {0x20, 2, 0x00, (byte) rc}; // flags, return code
    MqttWire.Packet p = MqttWire.read(new ByteArrayInputStream(connack));
    assertThat(p.type()).isEqualTo(2);
    Finding f = ConnackMeaning.finding(level, MqttWire.connackCode(p), user, user, "dev-1");
    assertThat(f.code()).isEqualTo(expected);
  }
}
