package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.CredentialType;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.interop.client.MessagingContract.Received;
import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.certs.OpenSslPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our client against Debian's Mosquitto, started per test with its own configuration on loopback:
 * QoS 0/1/2 both ways in both protocol versions, retained messages, MQTT 5 properties, one-way and
 * mutual TLS with every client key form, user name and password, the credential store, and the
 * named refusals (untrusted CA, wrong host name, missing client certificate, bad password).
 */
class ClientAgainstMosquittoTest {
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

  private MosquittoProcess mosquitto(MosquittoProcess.Builder b) {
    MosquittoProcess m = b.start();
    toClose.add(m);
    return m;
  }

  private MosquittoProcess plainMosquitto() {
    return mosquitto(MosquittoProcess.builder());
  }

  private MosquittoProcess tlsMosquitto(Path cert, Path key, boolean requireClientCert) {
    MosquittoProcess.Builder b = MosquittoProcess.builder();
    b.listenerLine("certfile " + cert).listenerLine("keyfile " + key);
    if (requireClientCert) {
      b.listenerLine("cafile " + pki.caCert)
          .listenerLine("require_certificate true")
          .listenerLine("use_identity_as_username true");
    }
    return mosquitto(b);
  }

  private MqttClient client(MqttClientConfig.Builder b) {
    MqttClient c = MqttClient.create(b.build());
    toClose.add(c);
    return c;
  }

  private static MqttClientConfig.Builder to(MosquittoProcess m, String host) {
    return MqttClientConfig.builder(host).port(m.port());
  }

  /** Subscribes a fresh plain or TLS client, returning what it receives. */
  private Received subscriber(MqttClientConfig.Builder b, String filter, Qos qos) {
    MqttClient c = client(b);
    c.blocking().connect();
    Received r = new Received();
    c.blocking().subscribe(Subscription.of(filter, qos), r.list::add);
    return r;
  }

  @Test
  void oneWayTls_verifiesTheBroker_andReportsTheSession() throws Exception {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    for (String host : List.of("localhost", "127.0.0.1")) {
      MqttClient c = client(to(m, host).tls(TlsConfig.builder().caFile(pki.caCert).build()));
      ConnectResult r = c.blocking().connect();
      assertThat(r.tls()).isPresent();
      assertThat(r.tls().get().protocol()).isIn("TLSv1.3", "TLSv1.2");
      assertThat(r.tls().get().peerSubject()).isEqualTo("CN=localhost");
      assertThat(r.tls().get().daysToExpiry(java.time.Instant.now())).isBetween(28L, 30L);
      c.close();
    }
  }

  @Test
  void tlsVersionAndCipher_areThoseConfigured() {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    MqttClient c =
        client(
            to(m, "localhost")
                .tls(
                    TlsConfig.builder()
                        .caFile(pki.caCert)
                        .protocols(List.of("TLSv1.2"))
                        .ciphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                        .alpn(List.of("mqtt"))
                        .build()));
    ConnectResult r = c.blocking().connect();
    assertThat(r.tls().get().protocol()).isEqualTo("TLSv1.2");
    assertThat(r.tls().get().cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pkcs8", "sec1", "encrypted-pkcs8", "pkcs12", "rsa-pkcs1"})
  void mutualTls_withEveryKeyForm(String form) throws Exception {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, true);
    TlsConfig.Builder tls = TlsConfig.builder().caFile(pki.caCert);
    switch (form) {
      case "pkcs8":
        tls.certFile(pki.clientCert).keyFile(pki.clientKeyPkcs8);
        break;
      case "sec1":
        tls.certFile(pki.clientCert).keyFile(pki.clientKeySec1);
        break;
      case "encrypted-pkcs8":
        tls.certFile(pki.clientCert)
            .keyFile(pki.clientKeyEncrypted)
            .keyPassword(OpenSslPki.KEY_PASSWORD.toCharArray());
        break;
      case "pkcs12":
        tls.pkcs12(pki.clientP12, OpenSslPki.KEY_PASSWORD.toCharArray());
        break;
      default:
        tls.certFile(pki.rsaClientCert).keyFile(pki.rsaClientKeyPkcs1);
    }
    Received r = subscriber(to(m, "localhost").tls(tls.build()), "mtls/#", Qos.AT_LEAST_ONCE);
    MqttClient pub = client(to(m, "localhost").tls(tls.build()));
    pub.blocking().connect();
    pub.blocking()
        .publish(Message.builder("mtls/" + form).payload(form).qos(Qos.AT_LEAST_ONCE).build());
    assertThat(r.await(1).get(0).payloadAsString()).isEqualTo(form);
    String cn = form.equals("rsa-pkcs1") ? "device-rsa" : "device-1";
    assertThat(m.awaitLog(l -> l.contains("u'" + cn + "'"), WAIT)).isPresent();
  }

  @Test
  void mutualTls_withoutAClientCertificate_failsNamingTheCause() {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, true);
    MqttClient c = client(to(m, "localhost").tls(TlsConfig.builder().caFile(pki.caCert).build()));
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
    assertThat(e.kind()).isIn(FailureKind.CERTIFICATE, FailureKind.TLS_HANDSHAKE);
    assertThat(e.getMessage()).contains("client certificate");
  }

  @Test
  void encryptedKey_withWrongPassword_isAConfigurationError() {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, true);
    MqttClient c =
        client(
            to(m, "localhost")
                .tls(
                    TlsConfig.builder()
                        .caFile(pki.caCert)
                        .certFile(pki.clientCert)
                        .keyFile(pki.clientKeyEncrypted)
                        .keyPassword("wrong".toCharArray())
                        .build()));
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION);
    assertThat(e.getMessage()).contains("client-enc.key").contains("decrypt");
  }

  @Test
  void untrustedCa_isRefused_namingTheChain() {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    MqttClient c =
        client(to(m, "localhost").tls(TlsConfig.builder().caFile(pki.otherCaCert).build()));
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.CERTIFICATE);
    assertThat(e.getMessage()).contains("not signed by a trusted CA").contains("mqttls test CA");
  }

  @Test
  void hostnameVerification_refusesACertificateWithoutTheName_andInsecureConnectsWithAWarning()
      throws Exception {
    MosquittoProcess m = tlsMosquitto(pki.wrongHostCert, pki.wrongHostKey, false);
    MqttClient strict =
        client(to(m, "127.0.0.1").tls(TlsConfig.builder().caFile(pki.caCert).build()));
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> strict.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.CERTIFICATE);
    assertThat(e.getMessage())
        .contains("you connected to 127.0.0.1")
        .contains("names other.example")
        .contains("HOSTNAME_MISMATCH");

    try (LogCapture log = LogCapture.start("dev.mqttls.client")) {
      MqttClient insecure =
          client(to(m, "127.0.0.1").tls(TlsConfig.builder().caFile(pki.caCert).insecure().build()));
      ConnectResult r = insecure.blocking().connect();
      assertThat(r.tls().get().peerSubject()).isEqualTo("CN=other.example");
      assertThat(log.lines())
          .anyMatch(l -> l.contains("INSECURE") && l.contains("host name verification is off"));
    }
    // insecure skips only the name: a certificate from an unknown CA is still refused
    MqttClient insecureOtherCa =
        client(
            to(m, "127.0.0.1").tls(TlsConfig.builder().caFile(pki.otherCaCert).insecure().build()));
    assertThatThrownBy(() -> insecureOtherCa.blocking().connect())
        .isInstanceOfSatisfying(
            MqttClientException.class,
            x -> assertThat(x.kind()).isEqualTo(FailureKind.CERTIFICATE));
  }

  @Test
  void plainMqttOnATlsPort_andTlsOnAPlainPort_areNamed() {
    MosquittoProcess tlsPort = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    MqttClient plainToTls = client(to(tlsPort, "localhost").connectTimeout(Duration.ofSeconds(5)));
    MqttClientException e1 =
        catchThrowableOfType(MqttClientException.class, () -> plainToTls.blocking().connect());
    // Mosquitto resets the connection without a TLS alert; the message says what to try
    assertThat(e1.kind()).as(e1.getMessage()).isEqualTo(FailureKind.CONNECTION_LOST);
    assertThat(e1.getMessage()).contains("TLS port").contains("mqtts://");

    MosquittoProcess plainPort = plainMosquitto();
    MqttClient tlsToPlain =
        client(to(plainPort, "localhost").tls(TlsConfig.builder().caFile(pki.caCert).build()));
    MqttClientException e2 =
        catchThrowableOfType(MqttClientException.class, () -> tlsToPlain.blocking().connect());
    assertThat(e2.kind()).isIn(FailureKind.TLS_HANDSHAKE, FailureKind.TIMEOUT);
    assertThat(e2.getMessage()).startsWith("TLS:");
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  void usernameAndPassword_acceptedOrRefusedWithTheReasonCode(MqttVersion version)
      throws Exception {
    MosquittoProcess.Builder b = MosquittoProcess.builder().allowAnonymous(false);
    Path pwFile = b.file("passwd", "");
    MosquittoClients.Result passwd =
        MosquittoClients.run(
            Duration.ofSeconds(10), "mosquitto_passwd", "-b", pwFile, "alice", "wonder-land");
    assertThat(passwd.exitCode()).as(passwd.toString()).isZero();
    b.line("password_file " + pwFile);
    MosquittoProcess m = mosquitto(b);

    MqttClient good =
        client(
            to(m, "127.0.0.1")
                .version(version)
                .clientId("alice-1")
                .username("alice")
                .password("wonder-land".toCharArray()));
    assertThat(good.blocking().connect().reasonCode()).isEqualTo(ReasonCode.SUCCESS);

    MqttClient bad =
        client(
            to(m, "127.0.0.1")
                .version(version)
                .clientId("alice-2")
                .username("alice")
                .password("nope".toCharArray()));
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> bad.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.REFUSED);
    assertThat(e.reasonCode()).isPresent();
    assertThat(e.reasonCode().get())
        .isIn(ReasonCode.BAD_USER_NAME_OR_PASSWORD, ReasonCode.NOT_AUTHORIZED);
    assertThat(e.getMessage()).contains(String.format("0x%02X", e.reasonCode().get().code()));
    assertThat(e.getMessage()).doesNotContain("nope");
  }

  @Test
  void secTag_connectsWithCredentialsFromTheStore(@TempDir Path storeDir) throws Exception {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, true);
    CredentialStore store = CredentialStore.open(storeDir);
    int tag = 16842753;
    store.provision(tag, CredentialType.CA_CERTIFICATE, pki.pem(pki.caCert));
    store.provision(tag, CredentialType.CLIENT_CERTIFICATE, pki.pem(pki.clientCert));
    store.provision(tag, CredentialType.CLIENT_KEY, pki.pem(pki.clientKeySec1));
    MqttClient c = client(to(m, "localhost").tls(TlsConfig.builder().secTag(store, tag).build()));
    assertThat(c.blocking().connect().tls()).isPresent();
  }

  @Test
  void withoutOfflineBuffer_publishWhileDisconnected_failsAtOnce() {
    MqttClient c = client(MqttClientConfig.builder("127.0.0.1").port(1));
    assertThatThrownBy(() -> c.blocking().publish(Message.of("x", "y")))
        .isInstanceOfSatisfying(
            MqttClientException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_LOST));
  }

  @Test
  void caPath_trustsEveryCertificateInTheDirectory(@TempDir Path caDir) throws Exception {
    java.nio.file.Files.copy(pki.otherCaCert, caDir.resolve("other.pem"));
    java.nio.file.Files.copy(pki.caCert, caDir.resolve("ours.crt"));
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    MqttClient c = client(to(m, "localhost").tls(TlsConfig.builder().caPath(caDir).build()));
    assertThat(c.blocking().connect().tls()).isPresent();
  }

  @Test
  void keepAlive_pingsKeepAnIdleConnectionOpen() throws Exception {
    MosquittoProcess m = mosquitto(MosquittoProcess.builder().line("log_type all"));
    MqttClient c = client(to(m, "127.0.0.1").keepAliveSeconds(1).clientId("pinger"));
    assertThat(c.blocking().connect().keepAliveSeconds()).isEqualTo(1);
    // Mosquitto closes a client silent for 1.5 keep-alives; ours sends PINGREQ when idle
    assertThat(m.awaitLog("Received PINGREQ from pinger", WAIT)).isPresent();
    assertThat(m.awaitLog("Sending PINGRESP to pinger", WAIT)).isPresent();
    assertThat(
            m.awaitLog(
                l ->
                    l.contains("Received PINGREQ from pinger")
                        && m.log().stream()
                                .filter(x -> x.contains("Received PINGREQ from pinger"))
                                .count()
                            >= 2,
                WAIT))
        .isPresent();
    assertThat(c.state()).isEqualTo(dev.mqttls.client.ConnectionState.CONNECTED);
    assertThat(m.log()).noneMatch(l -> l.contains("pinger has exceeded timeout"));
    assertThat(c.blocking().publish(Message.of("still/here", "yes")).reasonCode().isError())
        .isFalse();
  }
}
