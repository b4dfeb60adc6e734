package dev.mqttls.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.codec.Qos;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bridge from one mqttls broker to another (plain TCP on loopback): try_private's bridge bit,
 * which mqttls does not take, falls back to an ordinary client; over MQTT 5, No Local keeps a
 * 'both' topic from echoing.
 */
class BridgeBetweenOurBrokersTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T t) {
    toClose.add(t);
    return t;
  }

  private MqttClient client(EmbeddedBroker b) {
    MqttClient c =
        closing(MqttClient.create(MqttClientConfig.builder("127.0.0.1").port(b.port()).build()));
    c.blocking().connect();
    return c;
  }

  private EmbeddedBroker bridged(EmbeddedBroker remote, String... lines) throws Exception {
    EmbeddedBroker local = closing(EmbeddedBroker.start("allow_anonymous true"));
    String text =
        "connection peer\naddress 127.0.0.1:"
            + remote.port()
            + "\nrestart_timeout 1\n"
            + String.join("\n", lines)
            + "\n";
    closing(
        Bridges.start(
            local.broker(),
            BridgeConfigs.parse(ConfReader.parse(text, Path.of("bridge.conf")), "gw")));
    return local;
  }

  @Test
  void tryPrivateRefused_fallsBackToAnOrdinaryClient_andMessagesCross() throws Exception {
    EmbeddedBroker remote = closing(EmbeddedBroker.start("allow_anonymous true"));
    try (LogCapture log = LogCapture.start("dev.mqttls.bridge")) {
      EmbeddedBroker local = bridged(remote, "topic up/# out 1 \"\" gw/");
      log.assertLogged(0, WAIT, "bridge peer: the remote broker refused try_private");
      log.assertLogged(0, WAIT, "bridge peer: connected to mqtt://127.0.0.1:" + remote.port());
      BlockingQueue<Message> got = new LinkedBlockingQueue<>();
      client(remote).blocking().subscribe("gw/#", Qos.AT_LEAST_ONCE, got::add);
      client(local)
          .blocking()
          .publish(Message.builder("up/t").payload("1").qos(Qos.AT_LEAST_ONCE).build());
      Message m = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.topic()).isEqualTo("gw/up/t");
    }
  }

  @Test
  void bothOverMqtt5_noEcho_theSentinelFollowsTheOnlyCopy() throws Exception {
    EmbeddedBroker remote = closing(EmbeddedBroker.start("allow_anonymous true"));
    EmbeddedBroker local;
    try (LogCapture log = LogCapture.start("dev.mqttls.bridge")) {
      local = bridged(remote, "bridge_protocol_version mqttv50", "topic chat/# both 1");
      log.assertLogged(0, WAIT, "bridge peer: connected to");
    }
    BlockingQueue<Message> localGot = new LinkedBlockingQueue<>();
    BlockingQueue<Message> remoteGot = new LinkedBlockingQueue<>();
    client(local).blocking().subscribe("chat/#", Qos.AT_LEAST_ONCE, localGot::add);
    MqttClient r = client(remote);
    r.blocking().subscribe("chat/#", Qos.AT_LEAST_ONCE, remoteGot::add);

    client(local)
        .blocking()
        .publish(Message.builder("chat/a").payload("hello").qos(Qos.AT_LEAST_ONCE).build());
    assertThat(remoteGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS).payloadAsString())
        .isEqualTo("hello");
    r.blocking()
        .publish(Message.builder("chat/b").payload("sentinel").qos(Qos.AT_LEAST_ONCE).build());
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 5 && !seen.contains("sentinel"); i++) {
      Message m = localGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(m).as("local messages so far: " + seen).isNotNull();
      seen.add(m.payloadAsString());
    }
    assertThat(seen).containsExactly("hello", "sentinel");
    // and the sentinel crossed once, not back again to the remote
    assertThat(remoteGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS).payloadAsString())
        .isEqualTo("sentinel");
    r.blocking().publish(Message.builder("chat/c").payload("last").qos(Qos.AT_LEAST_ONCE).build());
    assertThat(remoteGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS).payloadAsString())
        .isEqualTo("last");
  }
}
