package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.OfflineBuffer;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Automatic reconnect, persistent sessions and the offline buffer, against Mosquitto and against
 * our broker: the network between client and broker is cut (a relay on loopback that the test
 * closes) while the broker keeps the session, and our broker is stopped and started again on the
 * same port. In each case no acknowledged-or-buffered QoS 1 message is lost.
 */
class ClientReconnectTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(true, Duration.ofMillis(50), Duration.ofMillis(400), 2.0, 0.2);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private MqttClient client(MqttClientConfig.Builder b) {
    return closing(MqttClient.create(b.build()));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Await.until(what, WAIT, condition);
  }

  private static Message msg(int i) {
    return Message.builder("fleet/d1").payload("m" + i).qos(Qos.AT_LEAST_ONCE).build();
  }

  private static List<String> expected(int n) {
    List<String> e = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      e.add("m" + i);
    }
    return e;
  }

  @Test
  void persistentSession_resumesAfterTheNetworkIsCut_againstMosquitto() throws Exception {
    MosquittoProcess m = closing(MosquittoProcess.start());
    sessionSurvivesACut(m.port());
  }

  @Test
  void persistentSession_resumesAfterTheNetworkIsCut_againstOurBroker() throws Exception {
    EmbeddedBroker b = closing(new EmbeddedBroker().start());
    sessionSurvivesACut(b.port());
  }

  /**
   * A subscriber with a persistent session and a publisher with an offline buffer, both behind a
   * relay that is cut: messages published meanwhile directly to the broker wait in the session,
   * those published by the cut-off publisher wait in its buffer, and all arrive after the
   * reconnect.
   */
  private void sessionSurvivesACut(int brokerPort) throws Exception {
    CuttableProxy proxy = closing(new CuttableProxy(brokerPort));
    MqttClient sub =
        client(
            MqttClientConfig.builder("127.0.0.1")
                .port(proxy.port())
                .clientId("resuming-sub")
                .cleanStart(false)
                .sessionExpirySeconds(3600)
                .reconnect(FAST));
    List<String> received = new CopyOnWriteArrayList<>();
    sub.blocking().connect();
    sub.blocking()
        .subscribe(
            Subscription.of("fleet/#", Qos.AT_LEAST_ONCE), x -> received.add(x.payloadAsString()));

    MqttClient buffered =
        client(
            MqttClientConfig.builder("127.0.0.1")
                .port(proxy.port())
                .reconnect(FAST)
                .offlineBuffer(new OfflineBuffer(100, OfflineBuffer.Overflow.FAIL)));
    buffered.blocking().connect();
    for (int i = 0; i < 5; i++) {
      buffered.blocking().publish(msg(i));
    }
    await("the first five messages", () -> received.size() >= 5);

    proxy.refuse(true);
    proxy.cut();
    await(
        "both clients noticing the cut",
        () ->
            sub.state() == ConnectionState.RECONNECTING
                && buffered.state() == ConnectionState.RECONNECTING);

    List<CompletableFuture<PublishResult>> waiting = new ArrayList<>();
    for (int i = 5; i < 10; i++) {
      waiting.add(buffered.publish(msg(i)));
    }
    MqttClient direct = client(MqttClientConfig.builder("127.0.0.1").port(brokerPort));
    direct.blocking().connect();
    for (int i = 10; i < 15; i++) {
      direct.blocking().publish(msg(i));
    }
    await("the buffer holding five", () -> buffered.status().buffered() == 5);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);

    proxy.refuse(false);
    for (CompletableFuture<PublishResult> f : waiting) {
      assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).reasonCode().isError()).isFalse();
    }
    await("all fifteen messages", () -> new LinkedHashSet<>(received).size() >= 15);
    Set<String> distinct = new LinkedHashSet<>(received);
    assertThat(distinct).containsExactlyInAnyOrderElementsOf(expected(15));
    assertThat(sub.status().connect())
        .hasValueSatisfying(r -> assertThat(r.sessionPresent()).isTrue());
    assertThat(sub.state()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void ourBroker_stoppedAndRestartedOnTheSamePort_clientsReconnectAndNothingBufferedIsLost()
      throws Exception {
    int port = Ports.freePort();
    EmbeddedBroker broker = closing(new EmbeddedBroker("listener " + port + " 127.0.0.1"));
    broker.start();
    MqttClient sub =
        client(
            MqttClientConfig.builder("127.0.0.1")
                .port(port)
                .clientId("restart-sub")
                .cleanStart(false)
                .sessionExpirySeconds(3600)
                .reconnect(FAST));
    List<String> received = new CopyOnWriteArrayList<>();
    sub.blocking().connect();
    sub.blocking()
        .subscribe(
            Subscription.of("fleet/#", Qos.AT_LEAST_ONCE), x -> received.add(x.payloadAsString()));
    // the publisher reconnects when told to, so that it cannot publish before the subscriber is
    // back
    MqttClient pub =
        client(
            MqttClientConfig.builder("127.0.0.1")
                .port(port)
                .offlineBuffer(new OfflineBuffer(100, OfflineBuffer.Overflow.FAIL)));
    pub.blocking().connect();
    for (int i = 0; i < 5; i++) {
      pub.blocking().publish(msg(i));
    }
    await("the first five messages", () -> received.size() >= 5);

    broker.close();
    await(
        "both clients noticing the broker is gone",
        () ->
            sub.state() == ConnectionState.RECONNECTING
                && pub.state() == ConnectionState.DISCONNECTED);
    List<CompletableFuture<PublishResult>> waiting = new ArrayList<>();
    for (int i = 5; i < 10; i++) {
      waiting.add(pub.publish(msg(i)));
    }
    await("the buffer holding five", () -> pub.status().buffered() == 5);

    broker.start();
    await("the subscriber reconnecting by itself", () -> sub.state() == ConnectionState.CONNECTED);
    // SUBACKs come in order: once this one is back, the resubscription sent before it is in force
    sub.blocking().subscribe(Subscription.of("sync/marker", Qos.AT_MOST_ONCE), x -> {});
    pub.blocking().connect();
    for (CompletableFuture<PublishResult> f : waiting) {
      assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).reasonCode().isError()).isFalse();
    }
    await("all ten messages", () -> received.size() >= 10);
    assertThat(received).containsExactlyElementsOf(expected(10));
  }

  @Test
  void will_isPublishedWhenTheConnectionIsLost_andNotOnDisconnect() throws Exception {
    MosquittoProcess m = closing(MosquittoProcess.start());
    CuttableProxy proxy = closing(new CuttableProxy(m.port()));
    List<String> wills = new CopyOnWriteArrayList<>();
    MqttClient watcher = client(MqttClientConfig.builder("127.0.0.1").port(m.port()));
    watcher.blocking().connect();
    watcher
        .blocking()
        .subscribe(
            Subscription.of("status/#", Qos.AT_LEAST_ONCE),
            x -> wills.add(x.topic() + "=" + x.payloadAsString()));
    for (String name : List.of("polite", "cut")) {
      MqttClient device =
          client(
              MqttClientConfig.builder("127.0.0.1")
                  .port(proxy.port())
                  .clientId(name)
                  .will(
                      Message.builder("status/" + name)
                          .payload("offline")
                          .qos(Qos.AT_LEAST_ONCE)
                          .build()));
      device.blocking().connect();
      if (name.equals("polite")) {
        device.blocking().disconnect();
      } else {
        proxy.cut();
      }
    }
    await("the will of the cut-off client", () -> wills.contains("status/cut=offline"));
    assertThat(wills).containsExactly("status/cut=offline");
  }
}
