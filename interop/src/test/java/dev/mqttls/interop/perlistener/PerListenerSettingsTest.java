package dev.mqttls.interop.perlistener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code per_listener_settings true} with two listeners, each with its own {@code allow_anonymous},
 * {@code password_file} and {@code acl_file}: the same configuration text (only the ports differ)
 * run by Debian's mosquitto 2.0 and by our broker, the same clients, the same outcomes; then a
 * reload (SIGHUP for mosquitto) of one listener's password file.
 *
 * <p>Where the two brokers document different behaviour it is asserted per broker: a SUBSCRIBE the
 * ACL denies is granted by mosquitto 2.0.11 (and nothing is delivered), refused with 0x80 by ours.
 */
class PerListenerSettingsTest {
  // alice/secret-a (listener A), hashed by mosquitto_passwd; B's file is hashed by the test
  static final String PW_A =
      "alice:$7$101$KLSIppvsfaefRVqd$kk68hjqXCX/N+LhJGxXbgPWaS7spXLq2Zu0MBut9oanlusBwIAomt4BZ04puKEdWk3E8oQ2LjXiKbkzoPJMiJQ==\n";
  static final String ACL_A = "user alice\ntopic readwrite a/#\ntopic write public/#\n";
  static final String ACL_B = "topic read public/#\n\nuser bob\ntopic readwrite b/#\n";

  @TempDir Path dir;

  interface Running extends AutoCloseable {
    int portA();

    int portB();

    void reload() throws Exception;

    boolean grantsDeniedSubscriptions();

    @Override
    void close();
  }

  /** The configuration both brokers run: only the ports differ. */
  static String conf(String portA, String portB, Path files) {
    return String.join(
        "\n",
        "per_listener_settings true",
        "listener " + portA + " 127.0.0.1",
        "allow_anonymous false",
        "password_file " + files.resolve("pw_a"),
        "acl_file " + files.resolve("acl_a"),
        "listener " + portB + " 127.0.0.1",
        "allow_anonymous true",
        "password_file " + files.resolve("pw_b"),
        "acl_file " + files.resolve("acl_b"),
        "");
  }

  void writeFiles(Path files, boolean withCarol) throws Exception {
    Files.createDirectories(files);
    Files.writeString(files.resolve("pw_a"), PW_A);
    Files.writeString(files.resolve("acl_a"), ACL_A);
    Files.writeString(files.resolve("acl_b"), ACL_B);
    Path pwB = files.resolve("pw_b");
    Files.writeString(pwB, "bob:secret-b\n" + (withCarol ? "carol:secret-c\n" : ""));
    Process p =
        new ProcessBuilder("mosquitto_passwd", "-U", pwB.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("mosquitto_passwd -U").isZero();
    Files.writeString(pwB, Files.readString(pwB).strip() + "\n", StandardCharsets.UTF_8);
  }

  @Test
  void mosquitto() throws Exception {
    Path files = dir.resolve("m");
    writeFiles(files, false);
    int a = Ports.freePort();
    int b = Ports.freePort();
    MosquittoProcess.Builder builder = MosquittoProcess.builder();
    String[] lines = conf(String.valueOf(a), String.valueOf(b), files).split("\n");
    builder.headLine(lines[0]);
    for (int i = 1; i < lines.length; i++) {
      builder.line(lines[i]);
    }
    MosquittoProcess m = builder.start();
    scenario(
        new Running() {
          public int portA() {
            return a;
          }

          public int portB() {
            return b;
          }

          public void reload() throws Exception {
            writeFiles(files, true);
            Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(m.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(m.awaitLog("Reloading config", java.time.Duration.ofSeconds(5))).isPresent();
          }

          public boolean grantsDeniedSubscriptions() {
            return true;
          }

          public void close() {
            m.close();
          }
        });
  }

  @Test
  void mqttls() throws Exception {
    Path files = dir.resolve("q");
    writeFiles(files, false);
    EmbeddedBroker q = EmbeddedBroker.start(conf("0", "0", files));
    scenario(
        new Running() {
          public int portA() {
            return q.broker().address(0).getPort();
          }

          public int portB() {
            return q.broker().address(1).getPort();
          }

          public void reload() throws Exception {
            writeFiles(files, true);
            // What SIGHUP does in the mqttls command.
            q.broker().reload();
          }

          public boolean grantsDeniedSubscriptions() {
            return false;
          }

          public void close() {
            q.close();
          }
        });
  }

  void scenario(Running r) throws Exception {
    try (r) {
      int a = r.portA();
      int b = r.portB();
      // connect: each listener its own password_file and allow_anonymous
      assertThat(refusal(a, null, null)).as("anonymous on A").isNotZero();
      assertThat(refusal(a, "bob", "secret-b")).as("bob (B's user) on A").isNotZero();
      assertThat(refusal(a, "alice", "wrong")).as("alice, wrong password, on A").isNotZero();
      assertThat(refusal(b, null, null)).as("anonymous on B").isZero();
      assertThat(refusal(b, "alice", "secret-a")).as("alice (A's user) on B").isNotZero();
      assertThat(refusal(b, "bob", "secret-b")).as("bob on B").isZero();
      assertThat(refusal(b, "carol", "secret-c")).as("carol before reload").isNotZero();

      MqttClient alice = connect(a, "alice", "secret-a", "alice-1");
      MqttClient bob = connect(b, "bob", "secret-b", "bob-1");
      MqttClient anon = connect(b, null, null, "anon-1");
      try {
        BlockingQueue<String> aliceGot = new ArrayBlockingQueue<>(10);
        BlockingQueue<String> anonGot = new ArrayBlockingQueue<>(10);
        assertThat(subscribe(alice, "a/#", aliceGot)).isEqualTo(1);
        int denied = subscribe(alice, "b/#", aliceGot);
        assertThat(denied).isEqualTo(r.grantsDeniedSubscriptions() ? 1 : 0x80);
        assertThat(subscribe(anon, "public/#", anonGot)).isEqualTo(1);
        // bob may not write a/ (B's ACL), alice may not read b/ (A's ACL)
        bob.publish("a/from-bob", bytes("denied"), 1, false);
        bob.publish("b/x", bytes("not for alice"), 1, false);
        // alice writes public/ (A's ACL), anonymous reads it on B (B's ACL)
        alice.publish("public/news", bytes("news"), 1, false);
        alice.publish("a/own", bytes("own"), 1, false);
        assertThat(anonGot.poll(10, TimeUnit.SECONDS)).isEqualTo("public/news=news");
        assertThat(aliceGot.poll(10, TimeUnit.SECONDS)).isEqualTo("a/own=own");
        // bob's messages were acknowledged before alice published hers, so had either been
        // delivered to alice it would have come before her own one.
        assertThat(aliceGot).isEmpty();
      } finally {
        close(alice);
        close(bob);
        close(anon);
      }

      r.reload();
      assertThat(refusal(b, "carol", "secret-c")).as("carol on B after reload").isZero();
      assertThat(refusal(a, "carol", "secret-c")).as("carol on A after reload").isNotZero();
      assertThat(refusal(b, "bob", "secret-b")).as("bob on B after reload").isZero();
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static int subscribe(MqttClient c, String filter, BlockingQueue<String> into)
      throws MqttException {
    IMqttToken t =
        c.subscribeWithResponse(
            filter,
            1,
            (topic, m) ->
                into.add(topic + "=" + new String(m.getPayload(), StandardCharsets.UTF_8)));
    return t.getGrantedQos()[0];
  }

  /** 0 when the broker accepts the CONNECT, else its CONNACK return code. */
  static int refusal(int port, String user, String password) throws IOException {
    try {
      MqttClient c = connect(port, user, password, "probe-" + System.nanoTime());
      close(c);
      return 0;
    } catch (MqttException e) {
      assertThat(e.getReasonCode()).as(e.toString()).isBetween(1, 5);
      return e.getReasonCode();
    }
  }

  static MqttClient connect(int port, String user, String password, String id)
      throws MqttException {
    MqttClient c = new MqttClient("tcp://127.0.0.1:" + port, id, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setConnectionTimeout(10);
    o.setAutomaticReconnect(false);
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    if (user != null) {
      o.setUserName(user);
      o.setPassword(password.toCharArray());
    }
    try {
      c.connect(o);
    } catch (MqttException e) {
      c.close(true);
      throw e;
    }
    return c;
  }

  static void close(MqttClient c) {
    try {
      if (c.isConnected()) {
        c.disconnect();
      }
      c.close(true);
    } catch (MqttException e) {
      // closing only
    }
  }
}
