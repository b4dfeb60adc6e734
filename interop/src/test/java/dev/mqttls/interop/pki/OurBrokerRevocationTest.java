package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our broker, configured with the PKI's files in Mosquitto syntax ({@code crlfile} included),
 * accepts a device certificate from {@code pki device} and refuses a revoked one; mosquitto_pub is
 * the client.
 */
class OurBrokerRevocationTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path tmp;

  private static MosquittoClients.Result publish(int port, TestPki pki, TestPki.Device d) {
    return MosquittoClients.run(
        T,
        "mosquitto_pub",
        "-h",
        "localhost",
        "-p",
        port,
        "--cafile",
        pki.caFile(),
        "--cert",
        d.cert(),
        "--key",
        d.key(),
        "-t",
        "pki/test",
        "-m",
        "hello",
        "-i",
        "pki-" + d.id());
  }

  @Test
  void revokedDevice_refusedViaCrlfile_goodDeviceAccepted() {
    assumeTrue(MosquittoClients.isInstalled(), "mosquitto-clients missing: run ./test.sh");
    TestPki pki = TestPki.create(tmp);
    TestPki.Device good = pki.device("good");
    TestPki.Device lost = pki.device("lost");
    pki.revoke("lost");
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1",
            "cafile " + pki.caFile(),
            "certfile " + pki.serverCert(),
            "keyfile " + pki.serverKey(),
            "crlfile " + pki.crlFile(),
            "require_certificate true",
            "use_identity_as_username true")) {
      MosquittoClients.Result ok = publish(broker.port(), pki, good);
      assertThat(ok.exitCode()).as(ok.toString()).isZero();
      MosquittoClients.Result refused = publish(broker.port(), pki, lost);
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    }
  }
}
