package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.certs.OpenSslPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our client against our broker's TLS listeners: one-way and mutual TLS with every client key form,
 * and the named refusals (host name, untrusted CA, missing client certificate).
 */
class TlsWithOurBrokerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

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

  private int broker(Path cert, Path key, boolean requireClientCert) {
    List<String> lines =
        new ArrayList<>(List.of("listener 0 127.0.0.1", "certfile " + cert, "keyfile " + key));
    if (requireClientCert) {
      lines.add("cafile " + pki.caCert);
      lines.add("require_certificate true");
    }
    EmbeddedBroker b = new EmbeddedBroker(lines.toArray(new String[0])).start();
    toClose.add(b);
    return b.port();
  }

  private MqttClient client(int port, String host, TlsConfig tls) {
    MqttClient c = MqttClient.create(MqttClientConfig.builder(host).port(port).tls(tls).build());
    toClose.add(c);
    return c;
  }

  @Test
  void oneWayTls_byNameAndByAddress() {
    int port = broker(pki.serverCert, pki.serverKey, false);
    for (String host : List.of("localhost", "127.0.0.1")) {
      ConnectResult r =
          client(port, host, TlsConfig.builder().caFile(pki.caCert).build()).blocking().connect();
      assertThat(r.tls().get().peerSubject()).isEqualTo("CN=localhost");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pkcs8", "sec1", "encrypted-pkcs8", "pkcs12", "rsa-pkcs1"})
  void mutualTls_withEveryKeyForm(String form) throws Exception {
    int port = broker(pki.serverCert, pki.serverKey, true);
    TlsConfig.Builder tls = TlsConfig.builder().caFile(pki.caCert);
    switch (form) {
      case "pkcs8" -> tls.certFile(pki.clientCert).keyFile(pki.clientKeyPkcs8);
      case "sec1" -> tls.certFile(pki.clientCert).keyFile(pki.clientKeySec1);
      case "encrypted-pkcs8" ->
          tls.certFile(pki.clientCert)
              .keyFile(pki.clientKeyEncrypted)
              .keyPassword(OpenSslPki.KEY_PASSWORD.toCharArray());
      case "pkcs12" -> tls.pkcs12(pki.clientP12, OpenSslPki.KEY_PASSWORD.toCharArray());
      default -> tls.certFile(pki.rsaClientCert).keyFile(pki.rsaClientKeyPkcs1);
    }
    MqttClient sub = client(port, "localhost", tls.build());
    sub.blocking().connect();
    List<String> got = new CopyOnWriteArrayList<>();
    sub.blocking()
        .subscribe(Subscription.of("m/#", Qos.AT_LEAST_ONCE), x -> got.add(x.payloadAsString()));
    MqttClient pub = client(port, "localhost", tls.build());
    pub.blocking().connect();
    pub.blocking().publish(Message.builder("m/x").payload(form).qos(Qos.AT_LEAST_ONCE).build());
    Await.until("the message", WAIT, () -> !got.isEmpty());
    assertThat(got).containsExactly(form);
  }

  @Test
  void withoutClientCertificate_theRefusalIsNamed() {
    int port = broker(pki.serverCert, pki.serverKey, true);
    MqttClient c = client(port, "localhost", TlsConfig.builder().caFile(pki.caCert).build());
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
    assertThat(e.kind()).isIn(FailureKind.CERTIFICATE, FailureKind.TLS_HANDSHAKE);
    assertThat(e.getMessage()).contains("client certificate");
  }

  @Test
  void wrongHost_isRefused_insecureConnectsWithAWarning_untrustedCaIsRefused() {
    int port = broker(pki.wrongHostCert, pki.wrongHostKey, false);
    MqttClientException e =
        catchThrowableOfType(
            MqttClientException.class,
            () ->
                client(port, "localhost", TlsConfig.builder().caFile(pki.caCert).build())
                    .blocking()
                    .connect());
    assertThat(e.kind()).isEqualTo(FailureKind.CERTIFICATE);
    assertThat(e.getMessage()).contains("you connected to localhost but the broker's certificate");
    try (LogCapture log = LogCapture.start("dev.mqttls.client")) {
      client(port, "localhost", TlsConfig.builder().caFile(pki.caCert).insecure().build())
          .blocking()
          .connect();
      assertThat(log.lines()).anyMatch(l -> l.contains("INSECURE"));
    }
    MqttClientException untrusted =
        catchThrowableOfType(
            MqttClientException.class,
            () ->
                client(port, "localhost", TlsConfig.builder().caFile(pki.otherCaCert).build())
                    .blocking()
                    .connect());
    assertThat(untrusted.kind()).isEqualTo(FailureKind.CERTIFICATE);
    assertThat(untrusted.getMessage()).contains("not signed by a trusted CA");
  }

  @Test
  void alpn_theBrokersChoiceIsReported() {
    EmbeddedBroker b =
        new EmbeddedBroker(
                "listener 0 127.0.0.1",
                "certfile " + pki.serverCert,
                "keyfile " + pki.serverKey,
                "alpn mqtt")
            .start();
    toClose.add(b);
    ConnectResult r =
        client(
                b.port(),
                "localhost",
                TlsConfig.builder().caFile(pki.caCert).alpn(List.of("x-unknown", "mqtt")).build())
            .blocking()
            .connect();
    assertThat(r.tls().get().alpnProtocol()).contains("mqtt");
  }

  @Test
  void sni_selectsTheBrokersCertificate_andVerificationUsesThatName() {
    EmbeddedBroker b =
        new EmbeddedBroker(
                "listener 0 127.0.0.1",
                "certfile " + pki.serverCert,
                "keyfile " + pki.serverKey,
                "sni_cert other.example " + pki.wrongHostCert + " " + pki.wrongHostKey)
            .start();
    toClose.add(b);
    ConnectResult byName =
        client(
                b.port(),
                "127.0.0.1",
                TlsConfig.builder().caFile(pki.caCert).sniHost("other.example").build())
            .blocking()
            .connect();
    assertThat(byName.tls().get().peerSubject()).isEqualTo("CN=other.example");
    ConnectResult byAddress =
        client(b.port(), "127.0.0.1", TlsConfig.builder().caFile(pki.caCert).build())
            .blocking()
            .connect();
    assertThat(byAddress.tls().get().peerSubject()).isEqualTo("CN=localhost");
  }
}
