package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.testing.Ports;
import dev.mqttls.testing.certs.OpenSslPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 5: what the client tells a user is one sentence with the path or address, the cause
 * in words and what to do; no Java class names and no broker directives.
 */
class ClientMessagesInWordsTest {
  @TempDir static Path pkiDir;
  static OpenSslPki pki;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void makePki() {
    pki = new OpenSslPki(pkiDir);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private MqttClientException failure(MqttClientConfig.Builder b) {
    MqttClient c = MqttClient.create(b.build());
    toClose.add(c);
    return catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
  }

  private static void inWords(MqttClientException e) {
    assertThat(e.getMessage())
        .doesNotContain("Exception")
        .doesNotContain("(..) failed")
        .doesNotContain("keyfile_password")
        .doesNotContain("java.");
  }

  @Test
  void wrongKeyPassword_isOneSentenceAboutTheKeyFile() {
    MqttClientException e =
        failure(
            MqttClientConfig.builder("localhost")
                .port(Ports.freePort())
                .tls(
                    TlsConfig.builder()
                        .caFile(pki.caCert)
                        .certFile(pki.clientCert)
                        .keyFile(pki.clientKeyEncrypted)
                        .keyPassword("wrong".toCharArray())
                        .build()));
    assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION);
    assertThat(e.getMessage())
        .isEqualTo(
            pki.clientKeyEncrypted
                + ": the private key cannot be decrypted with the password given: check the"
                + " password");
    inWords(e);
  }

  @Test
  void encryptedKeyWithoutPassword_saysToGiveIt() {
    MqttClientException e =
        failure(
            MqttClientConfig.builder("localhost")
                .port(Ports.freePort())
                .tls(
                    TlsConfig.builder()
                        .caFile(pki.caCert)
                        .certFile(pki.clientCert)
                        .keyFile(pki.clientKeyEncrypted)
                        .build()));
    assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION);
    assertThat(e.getMessage()).contains("the private key is encrypted: give the password");
    inWords(e);
  }

  @Test
  void refusedConnection_namesTheAddressAndWhatToCheck() {
    int port = Ports.freePort();
    MqttClientException e = failure(MqttClientConfig.builder("127.0.0.1").port(port));
    assertThat(e.kind()).isEqualTo(FailureKind.UNREACHABLE);
    assertThat(e.getMessage())
        .isEqualTo(
            "nothing accepts connections at mqtt://127.0.0.1:"
                + port
                + " (connection refused): is the broker running and listening there?");
    inWords(e);
  }
}
