package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.certs.OpenSslPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our client library with a user name and password over one-way TLS to our broker's {@code
 * password_file}; and, over mutual TLS with {@code use_identity_as_username}, the certificate's
 * name as the user that the ACL judges (the password file is not consulted then).
 */
class UsernamePasswordOnOurBrokerTest {
  @TempDir static Path dir;
  static OpenSslPki pki;
  static Path passwd;
  static Path acl;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void files() throws Exception {
    pki = new OpenSslPki(Files.createDirectories(dir.resolve("pki")));
    passwd = Files.writeString(dir.resolve("passwd"), sixLine("gateway", "gw-secret") + "\n");
    acl =
        Files.writeString(
            dir.resolve("acl"),
            """
            user gateway
            topic readwrite gw/#
            user device-1
            topic write telemetry/device-1/#
            """);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private int broker(String... extra) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "allow_anonymous false",
                "password_file " + passwd,
                "acl_file " + acl,
                "listener 0 127.0.0.1",
                "certfile " + pki.serverCert,
                "keyfile " + pki.serverKey));
    lines.addAll(List.of(extra));
    EmbeddedBroker b = new EmbeddedBroker(lines.toArray(String[]::new)).start();
    toClose.add(b);
    return b.port();
  }

  private MqttClient client(int port, TlsConfig tls, Consumer<MqttClientConfig.Builder> more) {
    MqttClientConfig.Builder b = MqttClientConfig.builder("localhost").port(port).tls(tls);
    more.accept(b);
    MqttClient c = MqttClient.create(b.build());
    toClose.add(c);
    return c;
  }

  private static TlsConfig oneWay() {
    return TlsConfig.builder().caFile(pki.caCert).build();
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  void rightPassword_isAccepted_andTheAclLetsItUseItsTopics(MqttVersion v) {
    int port = broker();
    MqttClient c =
        client(
            port,
            oneWay(),
            b -> b.version(v).username("gateway").password("gw-secret".toCharArray()));
    assertThat(c.blocking().connect()).isNotNull();
    PublishResult r =
        c.blocking()
            .publish(Message.builder("gw/status").payload("up").qos(Qos.AT_LEAST_ONCE).build());
    assertThat(r.reasonCode().isError()).as(r.toString()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  void wrongPassword_isRefusedWithAClearReason(MqttVersion v) {
    int port = broker();
    MqttClient c =
        client(
            port, oneWay(), b -> b.version(v).username("gateway").password("not-it".toCharArray()));
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(FailureKind.REFUSED);
    assertThat(e.reasonCode()).contains(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(e.getMessage()).contains("user name or password");
    // Issue 9: the broker tells an unauthenticated client the reason code only, never which user
    // exists or why (the details are in the broker's log); and the password is never anywhere.
    assertThat(e.getMessage()).doesNotContain("wrong password").doesNotContain("gateway");
    assertThat(e.getMessage()).doesNotContain("not-it");
  }

  @Test
  void certificateIdentity_isTheUser_passwordFileNotConsulted_aclApplies() {
    int port =
        broker("cafile " + pki.caCert, "require_certificate true", "use_identity_as_username true");
    TlsConfig mutual =
        TlsConfig.builder()
            .caFile(pki.caCert)
            .certFile(pki.clientCert)
            .keyFile(pki.clientKeyPkcs8)
            .build();
    // a password that is in no file: with use_identity_as_username it is not checked
    MqttClient c =
        client(port, mutual, b -> b.username("ignored").password("ignored".toCharArray()));
    c.blocking().connect();
    PublishResult allowed =
        c.blocking()
            .publish(
                Message.builder("telemetry/device-1/temp")
                    .payload("21")
                    .qos(Qos.AT_LEAST_ONCE)
                    .build());
    assertThat(allowed.reasonCode().isError()).as(allowed.toString()).isFalse();
    MqttClientException denied =
        catchThrowableOfType(
            MqttClientException.class,
            () ->
                c.blocking()
                    .publish(
                        Message.builder("gw/status").payload("x").qos(Qos.AT_LEAST_ONCE).build()));
    assertThat(denied).isNotNull();
    assertThat(denied.reasonCode()).contains(ReasonCode.NOT_AUTHORIZED);
  }

  static String sixLine(String user, String password) throws Exception {
    byte[] salt = "abcdefghijkl".getBytes(StandardCharsets.UTF_8);
    MessageDigest d = MessageDigest.getInstance("SHA-512");
    d.update(password.getBytes(StandardCharsets.UTF_8));
    d.update(salt);
    Base64.Encoder e = Base64.getEncoder();
    return user + ":$6$" + e.encodeToString(salt) + "$" + e.encodeToString(d.digest());
  }
}
