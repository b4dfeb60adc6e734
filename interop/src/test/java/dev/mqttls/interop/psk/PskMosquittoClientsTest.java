package dev.mqttls.interop.psk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's mosquitto_pub and mosquitto_sub with {@code --psk HEX --psk-identity ID} against our
 * broker's PSK-only listener (Mosquitto's lines: psk_hint, psk_file, use_identity_as_username, an
 * acl_file on the identities): messages flow; the ACL applies to the identity; a wrong key and an
 * unknown identity are refused with a named cause in one log line that holds no key.
 */
class PskMosquittoClientsTest {
  private static final Duration T = Duration.ofSeconds(20);
  static final String KEY7 = "00112233445566778899aabbccddeeff";
  static final String KEY8 = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

  @TempDir static Path dir;
  static EmbeddedBroker broker;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(MosquittoClients.isInstalled(), "mosquitto-clients missing: run ./test.sh");
    Path psk = dir.resolve("psk");
    Files.writeString(psk, "# identity:key\ndev-7:" + KEY7 + "\ndev-8:" + KEY8 + "\n");
    Path acl = dir.resolve("acl");
    Files.writeString(
        acl,
        "user dev-7\ntopic readwrite psk/dev-7/#\n\nuser dev-8\ntopic readwrite psk/dev-8/#\n");
    broker =
        EmbeddedBroker.start(
            "psk_file " + psk,
            "acl_file " + acl,
            "listener 0 127.0.0.1",
            "psk_hint mqttls-test",
            "use_identity_as_username true");
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  static List<Object> psk(int port, String identity, String key, String clientId) {
    return new ArrayList<>(
        List.of(
            "-h",
            "127.0.0.1",
            "-p",
            port,
            "--psk",
            key,
            "--psk-identity",
            identity,
            "-i",
            clientId));
  }

  @Test
  void pskPublishAndSubscribe_identityIsTheUserUnderTheAcl() {
    List<Object> sub = psk(broker.port(), "dev-7", KEY7, "dev-7-sub");
    sub.addAll(List.of("-t", "psk/dev-7/x", "-C", "1", "-W", "15", "-v"));
    try (MosquittoClients.Running s = MosquittoClients.start("mosquitto_sub", sub.toArray())) {
      broker.log().assertLogged(0, T, "dev-7-sub", "u'dev-7'");
      // dev-8 may not write under psk/dev-7: the ACL judges the PSK identity as the user name
      List<Object> intruder = psk(broker.port(), "dev-8", KEY8, "dev-8-pub");
      intruder.addAll(List.of("-t", "psk/dev-7/x", "-m", "from-dev-8", "-q", "1"));
      MosquittoClients.Result i = MosquittoClients.run(T, "mosquitto_pub", intruder.toArray());
      assertThat(i.exitCode()).as(i.toString()).isZero();
      List<Object> pub = psk(broker.port(), "dev-7", KEY7, "dev-7-pub");
      pub.addAll(List.of("-t", "psk/dev-7/x", "-m", "from-dev-7", "-q", "1"));
      MosquittoClients.Result p = MosquittoClients.run(T, "mosquitto_pub", pub.toArray());
      assertThat(p.exitCode()).as(p.toString()).isZero();
      MosquittoClients.Result r = s.awaitExit(T);
      assertThat(r.stdoutLines()).as(r.toString()).containsExactly("psk/dev-7/x from-dev-7");
    }
  }

  @Test
  void wrongKey_refusedWithNamedCause_noKeyInLog() {
    long mark = broker.log().mark();
    String wrong = "ffeeddccbbaa99887766554433221100";
    List<Object> pub = psk(broker.port(), "dev-7", wrong, "dev-7-wrong");
    pub.addAll(List.of("-t", "psk/dev-7/x", "-m", "x"));
    MosquittoClients.Result r = MosquittoClients.run(T, "mosquitto_pub", pub.toArray());
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    String line =
        broker
            .log()
            .assertLogged(
                mark,
                T,
                "handshake failed: PSK identity 'dev-7': the client's key is not the one in"
                    + " psk_file (wrong key) (PSK_KEY_MISMATCH)");
    assertThat(line).doesNotContain(wrong).doesNotContain(KEY7).doesNotContain("Exception");
  }

  @Test
  void unknownIdentity_refusedWithNamedCause() {
    long mark = broker.log().mark();
    List<Object> pub = psk(broker.port(), "dev-99", KEY7, "dev-99");
    pub.addAll(List.of("-t", "psk/dev-99/x", "-m", "x"));
    MosquittoClients.Result r = MosquittoClients.run(T, "mosquitto_pub", pub.toArray());
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    String line =
        broker
            .log()
            .assertLogged(
                mark,
                T,
                "handshake failed: PSK identity 'dev-99' is not in psk_file",
                "(PSK_UNKNOWN_IDENTITY)");
    assertThat(line).doesNotContain(KEY7);
  }
}
