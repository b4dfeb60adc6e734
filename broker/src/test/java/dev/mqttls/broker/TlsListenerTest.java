package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.ReasonCode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS listeners end to end: certificates made per run with openssl, JDK TLS client. */
class TlsListenerTest {
  @TempDir static Path dir;

  @BeforeAll
  static void makeCertificates() throws Exception {
    run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
    run(
        "openssl",
        "req",
        "-x509",
        "-new",
        "-key",
        "ca.key",
        "-subj",
        "/CN=test-ca",
        "-days",
        "2",
        "-out",
        "ca.crt",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    issue("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    issue("dev-1", "dev-1", "extendedKeyUsage=clientAuth");
  }

  private static void issue(String name, String cn, String ext) throws Exception {
    run(
        "openssl",
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        name + ".key");
    run(
        "openssl",
        "req",
        "-new",
        "-key",
        name + ".key",
        "-subj",
        "/CN=" + cn,
        "-out",
        name + ".csr");
    Files.writeString(dir.resolve(name + ".ext"), ext + "\n");
    run(
        "openssl",
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        name + ".ext",
        "-out",
        name + ".crt");
  }

  private static void run(String... cmd) throws Exception {
    // Output to a file, so that a hung command ends at the timeout instead of blocking a read.
    Path log = dir.resolve("openssl.log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd) + " failed: " + Files.readString(log));
      }
    } finally {
      p.destroyForcibly();
    }
  }

  private static SSLContext client(String name) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca", cf.generateCertificate(Files.newInputStream(dir.resolve("ca.crt"))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (name != null) {
      String pem = Files.readString(dir.resolve(name + ".key"));
      byte[] der =
          Base64.getMimeDecoder()
              .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      X509Certificate cert =
          (X509Certificate)
              cf.generateCertificate(
                  new ByteArrayInputStream(Files.readAllBytes(dir.resolve(name + ".crt"))));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("me", key, "pw".toCharArray(), new java.security.cert.Certificate[] {cert});
      kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, "pw".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static BrokerConfig mutualTls() throws Exception {
    return BrokerConfig.parse(
        """
        listener 0 127.0.0.1
        cafile ca.crt
        certfile server.crt
        keyfile server.key
        require_certificate true
        use_identity_as_username true
        use_identity_as_clientid true
        allow_anonymous false
        """,
        dir.resolve("mqttls.conf"));
  }

  @Test
  void mutualTls_identityIsUserAndMustBeTheClientId() throws Exception {
    try (Broker broker = Broker.start(mutualTls())) {
      SSLContext ctx = client("dev-1");
      try (TestClient c = TestClient.openTls(broker.address(0), MqttVersion.V5, ctx)) {
        Connack ack = c.connect(new Connect(MqttVersion.V5, "dev-1", true, 60));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
      }
      try (TestClient c = TestClient.openTls(broker.address(0), MqttVersion.V5, ctx)) {
        Connack ack = c.connect(new Connect(MqttVersion.V5, "someone-else", true, 60));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
      }
      try (TestClient c = TestClient.openTls(broker.address(0), MqttVersion.V3_1_1, ctx)) {
        Connack ack = c.connect(new Connect(MqttVersion.V3_1_1, "someone-else", true, 60));
        assertThat(ack.reasonCode().v3ConnackCode()).isEqualTo(2);
      }
    }
  }

  @Test
  void plainMqttToTlsListener_refused_andBrokerStillServesTls() throws Exception {
    try (Broker broker = Broker.start(mutualTls())) {
      try (TestClient c = TestClient.open(broker.address(0), MqttVersion.V3_1_1)) {
        c.send(new Connect(MqttVersion.V3_1_1, "plain", true, 60));
        assertThat(c.awaitClose()).isNull();
      }
      try (TestClient c = TestClient.openTls(broker.address(0), MqttVersion.V5, client("dev-1"))) {
        assertThat(c.connect(new Connect(MqttVersion.V5, "dev-1", true, 60)).reasonCode())
            .isEqualTo(ReasonCode.SUCCESS);
      }
    }
  }

  @Test
  void missingKeyFile_stopsStartup_namingTheListener() throws Exception {
    BrokerConfig c =
        BrokerConfig.parse(
            "listener 0 127.0.0.1\ncertfile server.crt\nkeyfile nope.key\n",
            dir.resolve("bad.conf"));
    assertThatThrownBy(() -> Broker.start(c))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageStartingWith("listener 0 127.0.0.1: ")
        .hasMessageContaining("nope.key");
  }

  @Test
  void tlsDirectivesThatDoNotFit_namedAtTheListenerLine() {
    assertThatThrownBy(
            () ->
                BrokerConfig.parse(
                    "listener 0 127.0.0.1\ncertfile server.crt\nkeyfile server.key\n"
                        + "use_identity_as_username true\n",
                    dir.resolve("x.conf")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(dir.resolve("x.conf") + ":1: listener: ")
        .hasMessageContaining("require_certificate");
    assertThatThrownBy(
            () -> BrokerConfig.parse("listener 0\ntls_version TLSv0.9\n", dir.resolve("y.conf")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(dir.resolve("y.conf") + ":2: tls_version: ");
    assertThat(List.of()).isEmpty();
  }
}
