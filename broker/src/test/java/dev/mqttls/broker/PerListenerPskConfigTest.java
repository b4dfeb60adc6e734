package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.conf.Directive;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** per_listener_settings true scopes psk_file to the listener whose block holds it (mosquitto). */
class PerListenerPskConfigTest {
  @TempDir Path dir;

  @Test
  void eachListenerTakesItsOwnPskFile() throws Exception {
    Path a = Files.writeString(dir.resolve("psk-a"), "dev-a:00ff\n");
    Path b = Files.writeString(dir.resolve("psk-b"), "dev-b:ff00\n");
    Path conf =
        Files.writeString(
            dir.resolve("m.conf"),
            String.join(
                "\n",
                "per_listener_settings true",
                "listener 8884 127.0.0.1",
                "psk_hint a",
                "psk_file " + a,
                "listener 8885 127.0.0.1",
                "psk_file " + b,
                "psk_hint b",
                ""));
    BrokerConfig c = BrokerConfig.parse(conf);
    assertThat(pskFileOf(c.listeners().get(0))).isEqualTo(a.toString());
    assertThat(pskFileOf(c.listeners().get(1))).isEqualTo(b.toString());
  }

  @Test
  void aListenerWithoutItsOwnPskFile_isRefused() throws Exception {
    Path a = Files.writeString(dir.resolve("psk-a"), "dev-a:00ff\n");
    Path conf =
        Files.writeString(
            dir.resolve("m.conf"),
            String.join(
                "\n",
                "per_listener_settings true",
                "listener 8884 127.0.0.1",
                "psk_hint a",
                "psk_file " + a,
                "listener 8885 127.0.0.1",
                "psk_hint b",
                ""));
    assertThatThrownBy(() -> BrokerConfig.parse(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("m.conf:5: listener")
        .hasMessageContaining("psk_hint needs psk_file");
  }

  @Test
  void perListenerSettingsAfterPskFile_isRefused() throws Exception {
    Path a = Files.writeString(dir.resolve("psk-a"), "dev-a:00ff\n");
    Path conf =
        Files.writeString(
            dir.resolve("m.conf"), "psk_file " + a + "\nper_listener_settings true\n");
    assertThatThrownBy(() -> BrokerConfig.parse(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("m.conf:2: per_listener_settings: must be set before any other")
        .hasMessageContaining("m.conf:1: psk_file");
  }

  private static String pskFileOf(ListenerConfig l) {
    return l.tlsDirectives().stream()
        .filter(d -> d.name().equals("psk_file"))
        .map(Directive::value)
        .findFirst()
        .orElseThrow();
  }
}
