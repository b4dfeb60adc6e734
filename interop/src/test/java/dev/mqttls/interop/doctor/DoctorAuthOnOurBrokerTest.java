package dev.mqttls.interop.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.doctor.Probe;
import dev.mqttls.doctor.ProbeOptions;
import dev.mqttls.doctor.Report;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.certs.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor against our broker with {@code password_file} and {@code acl_file}: the same findings
 * as {@link DoctorMatrixTest} expects from Mosquitto for a wrong password and for an ACL that
 * denies the doctor's test topic, plus the right password for contrast. One-way TLS, as in the
 * matrix.
 */
class DoctorAuthOnOurBrokerTest {
  private static final List<String> LOCALHOST = List.of("localhost");

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private Report probe(List<String> confLines, Consumer<ProbeOptions.Builder> config)
      throws Exception {
    TestCerts.Held ca = TestCerts.rootCa("Doctor Auth CA");
    Path caFile = write("ca.crt", ca.certPem());
    TestCerts.Held server = TestCerts.server(ca, "localhost", LOCALHOST, List.of());
    List<String> lines = new java.util.ArrayList<>(confLines);
    lines.add("listener 0 127.0.0.1");
    lines.add("certfile " + write("server.crt", server.certPem()));
    lines.add("keyfile " + write("server.key", server.keyPem()));
    try (EmbeddedBroker b = EmbeddedBroker.start(lines.toArray(String[]::new))) {
      ProbeOptions.Builder o =
          ProbeOptions.builder("mqtts://127.0.0.1:" + b.port())
              .timeout(Duration.ofSeconds(3))
              .versionProbes(false)
              .costProbe(false)
              .caFile(caFile)
              .serverName("localhost");
      config.accept(o);
      return Probe.run(o.build());
    }
  }

  private static List<FindingCode> codes(Report r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void wrongPassword_isBadCredentials() throws Exception {
    Path pw = write("passwd", passwdLine("alice", "right"));
    List<String> conf = List.of("allow_anonymous false", "password_file " + pw);

    Report wrong = probe(conf, o -> o.username("alice").password("wrong".toCharArray()));
    assertThat(codes(wrong)).as(wrong.toJson()).contains(FindingCode.MQTT_BAD_CREDENTIALS);
    assertThat(codes(wrong)).as(wrong.toJson()).doesNotContain(FindingCode.MQTT_ROUND_TRIP);

    Report right = probe(conf, o -> o.username("alice").password("right".toCharArray()));
    assertThat(codes(right)).as(right.toJson()).contains(FindingCode.MQTT_ROUND_TRIP);
    assertThat(codes(right)).doesNotContain(FindingCode.MQTT_BAD_CREDENTIALS);
  }

  @Test
  void noUserName_withAllowAnonymousFalse_isNotAuthorized() throws Exception {
    Path pw = write("passwd", passwdLine("alice", "right"));
    Report r = probe(List.of("allow_anonymous false", "password_file " + pw), o -> {});
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.MQTT_NOT_AUTHORIZED);
  }

  @Test
  void aclDeniesTestTopic_isNamed_andThereIsNoRoundTrip() throws Exception {
    Path acl = write("acl", "topic readwrite allowed/#\n");
    Report r = probe(List.of("acl_file " + acl), o -> o.mqttVersion(ProbeOptions.MqttVersion.V5));
    assertThat(codes(r))
        .as(r.toJson())
        .containsAnyOf(
            FindingCode.MQTT_SUBSCRIBE_DENIED,
            FindingCode.MQTT_PUBLISH_DENIED,
            FindingCode.MQTT_MESSAGE_LOST);
    // Our broker refuses the SUBSCRIBE itself (0x87), so the doctor can say exactly that.
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.MQTT_SUBSCRIBE_DENIED);
    assertThat(codes(r)).as(r.toJson()).doesNotContain(FindingCode.MQTT_ROUND_TRIP);
  }

  /** Mosquitto's {@code $6$} password format: base64(SHA-512(password + salt)). */
  private static String passwdLine(String user, String password) throws Exception {
    byte[] salt = new byte[12];
    new SecureRandom().nextBytes(salt);
    MessageDigest d = MessageDigest.getInstance("SHA-512");
    d.update(password.getBytes(StandardCharsets.UTF_8));
    d.update(salt);
    Base64.Encoder e = Base64.getEncoder();
    return user + ":$6$" + e.encodeToString(salt) + "$" + e.encodeToString(d.digest()) + "\n";
  }
}
