package dev.mqttls.interop.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.Probe;
import dev.mqttls.doctor.ProbeOptions;
import dev.mqttls.doctor.Report;
import dev.mqttls.pki.HeldCertificate;
import dev.mqttls.pki.HeldCertificate.ExtendedUsage;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.tls.verify.CertificateError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bad certificate, three places that refuse it, one cause word: a certificate for localhost
 * from a CA nobody trusts is refused by our broker as a device's certificate (sent by {@code
 * mosquitto_pub}), by our client as the broker's certificate, and by the doctor probing that
 * broker, and all three name the same {@link CertificateError}.
 */
class SameCauseWordTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private EmbeddedBroker broker(String... lines) {
    EmbeddedBroker b = EmbeddedBroker.start(lines);
    toClose.add(b);
    return b;
  }

  @Test
  void untrustedCertificate_sameCauseWordInBrokerLogClientExceptionAndDoctorFinding()
      throws Exception {
    assumeTrue(MosquittoClients.isInstalled(), "mosquitto-clients missing: run ./test.sh");
    HeldCertificate trusted =
        HeldCertificate.newBuilder().commonName("Fleet CA").certificateAuthority().build();
    HeldCertificate goodServer =
        HeldCertificate.newBuilder()
            .commonName("localhost")
            .addSubjectAlternativeName("localhost")
            .extendedKeyUsage(ExtendedUsage.SERVER_AUTH)
            .signedBy(trusted)
            .build();
    HeldCertificate rogue =
        HeldCertificate.newBuilder().commonName("Rogue CA").certificateAuthority().build();
    // the bad certificate: good for either end of a TLS connection, from a CA nobody trusts
    HeldCertificate bad =
        HeldCertificate.newBuilder()
            .commonName("localhost")
            .addSubjectAlternativeName("localhost")
            .extendedKeyUsage(ExtendedUsage.SERVER_AUTH, ExtendedUsage.CLIENT_AUTH)
            .signedBy(rogue)
            .build();
    Path caFile = write("ca.crt", trusted.certificatePem());
    Path badCert = write("bad.crt", bad.certificatePem());
    Path badKey = write("bad.key", bad.privateKeyPkcs8Pem());
    String word = "[" + CertificateError.UNKNOWN_ISSUER + "]";

    // 1. the broker refuses it as a device's certificate
    EmbeddedBroker mutual =
        broker(
            "listener 0 127.0.0.1",
            "cafile " + caFile,
            "certfile " + write("server.crt", goodServer.certificatePem()),
            "keyfile " + write("server.key", goodServer.privateKeyPkcs8Pem()),
            "require_certificate true");
    long mark = mutual.log().mark();
    // mosquitto_pub (OpenSSL) sends its certificate whatever CAs the broker names; our client,
    // like the JDK's, would send none for a CA the broker does not ask for
    MosquittoClients.Result device =
        MosquittoClients.run(
            WAIT,
            "mosquitto_pub",
            "-h",
            "localhost",
            "-p",
            mutual.port(),
            "--cafile",
            caFile,
            "--cert",
            badCert,
            "--key",
            badKey,
            "-t",
            "t",
            "-m",
            "x",
            "-i",
            "rogue-device");
    assertThat(device.exitCode()).as(device.toString()).isNotZero();
    String logLine =
        mutual.log().assertLogged(mark, WAIT, "handshake failed", "(CLIENT_CERT_UNTRUSTED_ISSUER)");
    assertThat(logLine).contains(word);

    // 2. the client refuses it as the broker's certificate
    EmbeddedBroker serving =
        broker("listener 0 127.0.0.1", "certfile " + badCert, "keyfile " + badKey);
    MqttClient client = client(serving.port(), TlsConfig.builder().caFile(caFile).build());
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> client.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.CERTIFICATE);
    assertThat(e.getMessage()).contains(word);

    // 3. the doctor, probing that broker, refuses it with the same word
    Report report =
        Probe.run(
            ProbeOptions.builder("mqtts://127.0.0.1:" + serving.port())
                .caFile(caFile)
                .serverName("localhost")
                .timeout(Duration.ofSeconds(3))
                .versionProbes(false)
                .costProbe(false)
                .build());
    assertThat(report.failures())
        .as(report.toJson())
        .extracting(Finding::message)
        .anySatisfy(m -> assertThat(m).contains(word));

    // each refusal is one line in the broker's log, never an error with a stack trace
    assertThat(mutual.log().lines()).noneMatch(l -> l.startsWith("ERROR"));
    assertThat(serving.log().lines()).noneMatch(l -> l.startsWith("ERROR"));
  }

  private MqttClient client(int port, TlsConfig tls) {
    MqttClient c =
        MqttClient.create(MqttClientConfig.builder("localhost").port(port).tls(tls).build());
    toClose.add(c);
    return c;
  }
}
