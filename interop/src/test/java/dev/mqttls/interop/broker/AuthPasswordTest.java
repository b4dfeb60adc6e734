package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoClients.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code password_file} with the same files on our broker and on Debian's Mosquitto: a password
 * file written by Debian's {@code mosquitto_passwd} ({@code $7$}) plus a {@code $6$} line, driven
 * by mosquitto_pub and Paho (3.1.1 and 5).
 *
 * <p>Where the two differ, on purpose: Mosquitto 2.0.11 refuses a wrong password with CONNACK 0x87
 * Not authorized (5 in 3.1.1); we answer 0x86 Bad User Name or Password (4 in 3.1.1), the code MQTT
 * defines for it. Both refuse.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthPasswordTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  private Brokers brokers;

  @BeforeAll
  void files() throws Exception {
    assumeThat(MosquittoClients.isInstalled()).as("mosquitto-clients installed").isTrue();
    Path pw = dir.resolve("passwd");
    Result made =
        MosquittoClients.run(WAIT, "mosquitto_passwd", "-c", "-b", pw, "alice", "alice-pw");
    assertThat(made.exitCode()).as(made.toString()).isZero();
    Files.writeString(pw, sixLine("bob", "bob-pw") + "\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(Files.readString(pw)).startsWith("alice:$7$").contains("bob:$6$");
    brokers = new Brokers("allow_anonymous false", "password_file " + pw);
  }

  @AfterAll
  void stop() {
    if (brokers != null) {
      brokers.close();
    }
  }

  static String sixLine(String user, String password) throws Exception {
    byte[] salt = "0123456789ab".getBytes(StandardCharsets.UTF_8);
    MessageDigest d = MessageDigest.getInstance("SHA-512");
    d.update(password.getBytes(StandardCharsets.UTF_8));
    d.update(salt);
    Base64.Encoder e = Base64.getEncoder();
    return user + ":$6$" + e.encodeToString(salt) + "$" + e.encodeToString(d.digest());
  }

  private Result pub(BrokerUnderTest b, String version, String user, String password) {
    return MosquittoClients.publishLocal(
        WAIT, b.port(), "-V", version, "-d", "-u", user, "-P", password, "-t", "auth/pw", "-q", 1,
        "-m", "hello");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void mosquittoPub_rightPassword_isAccepted_sevenAndSixHashes(Kind kind) {
    BrokerUnderTest b = brokers.get(kind);
    for (String version : List.of("mqttv311", "mqttv5")) {
      Result alice = pub(b, version, "alice", "alice-pw");
      assertThat(alice.exitCode()).as(alice.toString()).isZero();
      assertThat(alice.stdout()).contains("received CONNACK (0)");
      Result bob = pub(b, version, "bob", "bob-pw");
      assertThat(bob.exitCode()).as(bob.toString()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void mosquittoPub_wrongPassword_isRefused(Kind kind) {
    BrokerUnderTest b = brokers.get(kind);
    Result v5 = pub(b, "mqttv5", "alice", "not-her-pw");
    Result v3 = pub(b, "mqttv311", "alice", "not-her-pw");
    Result unknown = pub(b, "mqttv5", "mallory", "alice-pw");
    assertThat(v5.exitCode()).as(v5.toString()).isNotZero();
    assertThat(v3.exitCode()).as(v3.toString()).isNotZero();
    assertThat(unknown.exitCode()).as(unknown.toString()).isNotZero();
    if (kind == Kind.MQTTLS) {
      assertThat(v5.stdout()).contains("received CONNACK (134)");
      assertThat(v3.stdout()).contains("received CONNACK (4)");
      assertThat(unknown.stdout()).contains("received CONNACK (134)");
      assertThat(b.log().orElseThrow().lines())
          .anySatisfy(l -> assertThat(l).contains("wrong password for user 'alice'"))
          .anySatisfy(l -> assertThat(l).contains("unknown user 'mallory'"))
          .noneSatisfy(l -> assertThat(l).contains("not-her-pw"));
    } else {
      assertThat(v5.stdout()).containsAnyOf("received CONNACK (134)", "received CONNACK (135)");
      assertThat(v3.stdout()).containsAnyOf("received CONNACK (4)", "received CONNACK (5)");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void noUserName_isNotAuthorized(Kind kind) {
    BrokerUnderTest b = brokers.get(kind);
    for (String version : List.of("mqttv311", "mqttv5")) {
      Result r =
          MosquittoClients.publishLocal(
              WAIT, b.port(), "-V", version, "-d", "-t", "auth/anon", "-m", "x");
      assertThat(r.exitCode()).as(r.toString()).isNotZero();
      assertThat(r.stdout())
          .contains(version.equals("mqttv5") ? "received CONNACK (135)" : "received CONNACK (5)");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void pahoV5_rightPasswordConnects_wrongGetsAReasonCode(Kind kind) throws Exception {
    BrokerUnderTest b = brokers.get(kind);
    assertThat(pahoV5(b, "auth-p5-ok", "alice", "alice-pw")).isZero();
    int wrong = pahoV5(b, "auth-p5-bad", "alice", "nope");
    if (kind == Kind.MQTTLS) {
      assertThat(wrong).isEqualTo(0x86);
    } else {
      assertThat(wrong).isIn(0x86, 0x87);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void pahoV3_rightPasswordConnects_wrongGetsAReturnCode(Kind kind) throws Exception {
    BrokerUnderTest b = brokers.get(kind);
    assertThat(pahoV3(b, "auth-p3-ok", "bob", "bob-pw")).isZero();
    int wrong = pahoV3(b, "auth-p3-bad", "bob", "nope");
    if (kind == Kind.MQTTLS) {
      assertThat(wrong).isEqualTo(4);
    } else {
      assertThat(wrong).isIn(4, 5);
    }
  }

  /** 0 when connected, else the CONNACK reason code Paho reports. */
  private static int pahoV5(BrokerUnderTest b, String id, String user, String password)
      throws Exception {
    org.eclipse.paho.mqttv5.client.MqttClient c =
        new org.eclipse.paho.mqttv5.client.MqttClient(
            b.uri(), id, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
    try {
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setUserName(user);
      o.setPassword(password.getBytes(StandardCharsets.UTF_8));
      o.setConnectionTimeout(10);
      o.setAutomaticReconnect(false);
      c.connect(o);
      c.disconnect();
      return 0;
    } catch (MqttException e) {
      return e.getReasonCode();
    } finally {
      c.close(true);
    }
  }

  private static int pahoV3(BrokerUnderTest b, String id, String user, String password)
      throws Exception {
    org.eclipse.paho.client.mqttv3.MqttClient c =
        new org.eclipse.paho.client.mqttv3.MqttClient(b.uri(), id, new MemoryPersistence());
    try {
      MqttConnectOptions o = new MqttConnectOptions();
      o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      o.setUserName(user);
      o.setPassword(password.toCharArray());
      o.setConnectionTimeout(10);
      c.connect(o);
      c.disconnect();
      return 0;
    } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
      return e.getReasonCode();
    } finally {
      c.close(true);
    }
  }
}
