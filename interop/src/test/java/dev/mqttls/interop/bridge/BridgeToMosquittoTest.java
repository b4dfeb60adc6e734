package dev.mqttls.interop.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.bridge.BridgeConfigs;
import dev.mqttls.bridge.Bridges;
import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.codec.Qos;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoClients.Result;
import dev.mqttls.testing.MosquittoClients.Running;
import dev.mqttls.testing.Ports;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bridge in mosquitto's syntax, from our broker to Debian's mosquitto over mutual TLS: messages
 * cross both ways with the prefixes applied; what is published while the remote broker is down
 * arrives once it is back; and the same connection block, included by Debian's mosquitto, bridges
 * there too.
 */
class BridgeToMosquittoTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TestPki pki;
  private int remoteTls;
  private int remotePlain;
  private Path bridgeConf;

  @BeforeEach
  void pkiAndFiles() throws Exception {
    pki = TestPki.create(dir);
    remoteTls = Ports.freePort();
    remotePlain = Ports.freePort();
    TestPki.Device bridge = pki.device("bridge-site-1");
    Files.createDirectories(dir.resolve("conf.d"));
    // The file both brokers include: absolute paths, since mosquitto resolves relative ones
    // against its working directory and mqttls against the file's directory.
    bridgeConf =
        Files.writeString(
            dir.resolve("conf.d/bridge.conf"),
            String.join(
                "\n",
                "connection site-1",
                "address 127.0.0.1:" + remoteTls,
                "topic sensors/# out 1 site/ fleet/site-1/",
                "topic cmd/# in 1 site/ fleet/site-1/",
                "topic chat/# both 1 site/ fleet/site-1/",
                "bridge_cafile " + pki.caFile(),
                "bridge_certfile " + bridge.cert(),
                "bridge_keyfile " + bridge.key(),
                "bridge_tls_version tlsv1.2",
                "remote_clientid bridge-site-1",
                "cleansession false",
                "keepalive_interval 10",
                "restart_timeout 1",
                ""));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** The remote mosquitto: mutual TLS for bridges, plain for the test's clients, persistent. */
  private MosquittoPeer remote() throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("remote.conf"),
            String.join(
                "\n",
                "user root",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                "connection_messages true",
                "persistence true",
                "persistence_location " + dir + "/",
                "allow_anonymous true",
                "listener " + remoteTls + " 127.0.0.1",
                "cafile " + pki.caFile(),
                "certfile " + pki.serverCert(),
                "keyfile " + pki.serverKey(),
                "require_certificate true",
                "use_identity_as_username true",
                "listener " + remotePlain + " 127.0.0.1",
                ""));
    MosquittoPeer p = new MosquittoPeer(conf, remoteTls);
    toClose.add(p);
    return p.start();
  }

  /** Our broker with the bridge file included, its bridges started as `mqttls broker` does. */
  private Broker ours() throws Exception {
    return ours(false).broker;
  }

  /** Our broker and its bridges, as {@code mqttls broker} runs them. */
  private record Ours(Broker broker, Bridges bridges) implements AutoCloseable {
    @Override
    public void close() {
      bridges.close();
      broker.close();
    }
  }

  private Ours ours(boolean persistence) throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("mqttls.conf"),
            "listener 0 127.0.0.1\nallow_anonymous true\ninclude_dir conf.d\n"
                + (persistence ? "persistence true\npersistence_location local-data\n" : ""));
    Broker broker = Broker.start(BrokerConfig.parse(conf));
    Bridges bridges;
    try {
      bridges = Bridges.start(broker, BridgeConfigs.parse(ConfReader.read(conf)));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    Ours o = new Ours(broker, bridges);
    toClose.add(o);
    assertThat(bridges.names()).containsExactly("site-1");
    return o;
  }

  private MqttClient client(Broker broker) {
    MqttClient c =
        MqttClient.create(
            MqttClientConfig.builder("127.0.0.1").port(broker.address(0).getPort()).build());
    toClose.add(c);
    c.blocking().connect();
    return c;
  }

  private static Message q1(String topic, String payload) {
    return Message.builder(topic).payload(payload).qos(Qos.AT_LEAST_ONCE).build();
  }

  private Running remoteSub(String... args) {
    List<Object> a = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", remotePlain, "-d"));
    a.addAll(List.of(args));
    Running r = MosquittoClients.start("mosquitto_sub", a.toArray());
    toClose.add(r);
    r.awaitOutput("SUBACK", WAIT);
    return r;
  }

  @Test
  void bothWays_prefixesApplied_overMutualTls_withNotifications() throws Exception {
    MosquittoPeer remote = remote();
    Broker broker;
    try (LogCapture log = LogCapture.start("dev.mqttls.bridge")) {
      broker = ours();
      log.assertLogged(
          0, WAIT, "bridge site-1: connected to mqtts://127.0.0.1:" + remoteTls, "bridge-site-1");
    }
    // mutual TLS: mosquitto took the bridge's certificate as its identity
    assertThat(remote.log()).contains("as bridge-site-1").contains("u'bridge-site-1'");

    Running fleet = remoteSub("-v", "-q", "1", "-t", "fleet/site-1/#");
    MqttClient device = client(broker);
    List<Message> local = new CopyOnWriteArrayList<>();
    device.blocking().subscribe("site/cmd/#", Qos.AT_LEAST_ONCE, local::add);
    device
        .blocking()
        .subscribe("$SYS/broker/connection/bridge-site-1/state", Qos.AT_LEAST_ONCE, local::add);

    // out: site/ removed, fleet/site-1/ added
    device.blocking().publish(q1("site/sensors/t1", "21.5"));
    fleet.awaitOutput("fleet/site-1/sensors/t1 21.5", WAIT);

    // in: fleet/site-1/ removed, site/ added
    Result pub =
        MosquittoClients.publishLocal(
            WAIT, remotePlain, "-q", "1", "-t", "fleet/site-1/cmd/reboot", "-m", "now");
    assertThat(pub.exitCode()).as(pub.toString()).isZero();
    Await.until(
        "the command reaches the local device",
        WAIT,
        () -> local.stream().anyMatch(m -> m.topic().equals("site/cmd/reboot")));
    Message cmd = local.stream().filter(m -> m.topic().equals("site/cmd/reboot")).findFirst().get();
    assertThat(cmd.payloadAsString()).isEqualTo("now");
    // both, over MQTT 3.1.1 with try_private (the default): mosquitto knows the bridge and does
    // not echo its message back; the remote's sentinel comes after where an echo would be
    device.blocking().subscribe("site/chat/#", Qos.AT_LEAST_ONCE, local::add);
    device.blocking().publish(q1("site/chat/a", "hello"));
    fleet.awaitOutput("fleet/site-1/chat/a hello", WAIT);
    Result sentinel =
        MosquittoClients.publishLocal(
            WAIT, remotePlain, "-q", "1", "-t", "fleet/site-1/chat/b", "-m", "sentinel");
    assertThat(sentinel.exitCode()).as(sentinel.toString()).isZero();
    Await.until(
        "the remote's sentinel reaches the local device",
        WAIT,
        () -> local.stream().anyMatch(m -> m.topic().equals("site/chat/b")));
    assertThat(local.stream().filter(m -> m.topic().startsWith("site/chat/")))
        .extracting(Message::payloadAsString)
        .containsExactly("hello", "sentinel");
    // the local state notification, retained: 1
    assertThat(local)
        .anyMatch(
            m ->
                m.topic().equals("$SYS/broker/connection/bridge-site-1/state")
                    && m.payloadAsString().equals("1"));
    // and on the remote broker, retained, with the will saying 0 when it loses the bridge
    Result state =
        MosquittoClients.run(
            WAIT,
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            remotePlain,
            "-C",
            "1",
            "-t",
            "$SYS/broker/connection/bridge-site-1/state");
    assertThat(state.stdout().strip()).as(state.toString()).isEqualTo("1");
  }

  @Test
  void hundredQos1_acknowledgedLocallyWhileRemoteIsKilled_surviveOurRestart_allArrive()
      throws Exception {
    MosquittoPeer remote = remote();
    // The sink's persistent session on the remote broker, saved to its store by a clean stop,
    // so that the later SIGKILL cannot take it: the 100 messages queue there for it.
    Result sink =
        MosquittoClients.run(
            WAIT,
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            remotePlain,
            "-i",
            "sink",
            "-c",
            "-q",
            "1",
            "-t",
            "fleet/site-1/sensors/#",
            "-E");
    assertThat(sink.exitCode()).as(sink.toString()).isZero();
    remote.stop();
    remote.start();

    try (LogCapture log = LogCapture.start("dev.mqttls.bridge")) {
      Ours first = ours(true);
      log.assertLogged(0, WAIT, "bridge site-1: connected to");
      long mark = log.mark();
      remote.kill();
      log.assertLogged(mark, WAIT, "bridge site-1: connection to", "lost", "retry in 1 s");

      MqttClient device = client(first.broker());
      for (int i = 0; i < 100; i++) {
        // each returns on our broker's PUBACK: acknowledged locally while the remote is dead
        device.blocking().publish(q1("site/sensors/n", "m" + i));
      }
      device.close();
      assertThat(remote.isAlive()).isFalse();
      assertThat(Ports.accepts(remoteTls, Duration.ofMillis(200))).isFalse();

      // Our broker stops and starts again before the remote is back: what the bridge had not
      // handed on is still the broker's (unacknowledged in the bridge's session, in its store),
      // not lost with the bridge's memory.
      first.close();
      ours(true);
      mark = log.mark();
      remote.start();
      log.assertLogged(mark, WAIT, "bridge site-1: connected to");
    }
    Result got =
        MosquittoClients.run(
            Duration.ofSeconds(40),
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            remotePlain,
            "-i",
            "sink",
            "-c",
            "-q",
            "1",
            "-t",
            "fleet/site-1/sensors/#",
            "-v",
            "-C",
            "100",
            "-W",
            "30");
    assertThat(got.exitCode()).as(got.toString()).isZero();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      expected.add("fleet/site-1/sensors/n m" + i);
    }
    assertThat(new HashSet<>(got.stdoutLines())).isEqualTo(expected);
  }

  @Test
  void theSameConnectionBlock_bridgesDebiansMosquittoToo() throws Exception {
    MosquittoPeer remote = remote();
    int localPort = Ports.freePort();
    Path conf =
        Files.writeString(
            dir.resolve("local-mosquitto.conf"),
            String.join(
                "\n",
                "user root",
                "log_dest stderr",
                "log_type all",
                "persistence false",
                "allow_anonymous true",
                "listener " + localPort + " 127.0.0.1",
                "include_dir " + bridgeConf.getParent(),
                ""));
    MosquittoPeer local = new MosquittoPeer(conf, localPort);
    toClose.add(local);
    local.start();

    Running fleet = remoteSub("-v", "-q", "1", "-t", "fleet/site-1/#");
    List<Object> subArgs =
        List.of("-h", "127.0.0.1", "-p", localPort, "-d", "-v", "-q", "1", "-t", "site/cmd/#");
    Running site = MosquittoClients.start("mosquitto_sub", subArgs.toArray());
    toClose.add(site);
    site.awaitOutput("SUBACK", WAIT);

    // mosquitto's bridge connects in the background: publish until the message crosses (bounded)
    boolean out = false;
    boolean in = false;
    for (int i = 0; i < 40 && !(out && in); i++) {
      if (!out) {
        MosquittoClients.publishLocal(
            WAIT, localPort, "-q", "1", "-t", "site/sensors/t" + i, "-m", "v" + i);
      }
      if (!in) {
        MosquittoClients.publishLocal(
            WAIT, remotePlain, "-q", "1", "-t", "fleet/site-1/cmd/c" + i, "-m", "go" + i);
      }
      Thread.sleep(250);
      out = fleet.outputLines().stream().anyMatch(l -> l.startsWith("fleet/site-1/sensors/t"));
      in = site.outputLines().stream().anyMatch(l -> l.startsWith("site/cmd/c"));
    }
    assertThat(out).as("local mosquitto -> remote, prefixes applied\n" + local.log()).isTrue();
    assertThat(in).as("remote -> local mosquitto, prefixes applied\n" + local.log()).isTrue();
    // over mutual TLS with the bridge's certificate, as ours
    assertThat(remote.log()).contains("as bridge-site-1").contains("u'bridge-site-1'");
  }
}
