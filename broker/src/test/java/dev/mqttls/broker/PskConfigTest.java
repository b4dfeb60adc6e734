package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mosquitto's TLS-PSK lines: psk_file wherever it stands, its bad line by FILE:LINE. */
class PskConfigTest {
  @TempDir Path dir;

  @Test
  void pskFileAfterTheListener_reachesIt() throws Exception {
    Path psk = Files.writeString(dir.resolve("psk"), "dev-1:00ff\n");
    Path conf =
        Files.writeString(
            dir.resolve("m.conf"),
            "listener 8884 127.0.0.1\npsk_hint hint\nuse_identity_as_username true\n"
                + "\npsk_file "
                + psk
                + "\n");
    BrokerConfig c = BrokerConfig.parse(conf);
    assertThat(c.listeners()).hasSize(1);
    assertThat(c.listeners().get(0).tlsDirectives())
        .extracting(d -> d.name())
        .containsExactly("psk_hint", "psk_file", "use_identity_as_username");
  }

  @Test
  void badPskFileLine_namesBothFilesAndLines_withoutTheKey() throws Exception {
    Path psk = Files.writeString(dir.resolve("psk"), "dev-1:00ff\ndev-2:0g1secret\n");
    Path conf =
        Files.writeString(
            dir.resolve("m.conf"), "psk_file " + psk + "\nlistener 8884\npsk_hint hint\n");
    assertThatThrownBy(() -> BrokerConfig.parse(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessage(conf + ":1: psk_file: " + psk + ":2: key has an odd number of hex digits (9)")
        .message()
        .doesNotContain("0g1secret");
  }

  @Test
  void pskHintWithoutPskFile_refusedNamingTheListener() throws Exception {
    Path conf = Files.writeString(dir.resolve("m.conf"), "listener 8884\npsk_hint hint\n");
    assertThatThrownBy(() -> BrokerConfig.parse(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("m.conf:1: listener")
        .hasMessageContaining("psk_hint needs psk_file");
  }
}
