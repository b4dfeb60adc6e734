package dev.mqttls.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's protocol behaviour against a scripted broker on loopback: reason codes and reason
 * strings surfaced in exceptions, the Receive Maximum window, DUP resends on a resumed session, QoS
 * 2 duplicates delivered once, and a broker's DISCONNECT reported with its reason.
 */
class ClientProtocolTest {
  private ScriptedBroker broker;
  private MqttClient client;

  @BeforeEach
  void start() throws Exception {
    broker = new ScriptedBroker();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    broker.close();
  }

  private MqttClientConfig.Builder config() {
    return MqttClientConfig.builder("127.0.0.1").port(broker.port()).clientId("dev-1");
  }

  private static Connack accept(boolean sessionPresent, MqttProperties props) {
    return new Connack(sessionPresent, ReasonCode.SUCCESS, props);
  }

  private ScriptedBroker.Conn connect(MqttClientConfig.Builder b, MqttProperties connackProps)
      throws Exception {
    client = MqttClient.create(b.build());
    CompletableFuture<?> f = client.connect();
    ScriptedBroker.Conn conn = broker.accept();
    conn.take(Connect.class);
    conn.send(accept(false, connackProps));
    f.get(10, TimeUnit.SECONDS);
    return conn;
  }

  @Test
  void refusedConnect_namesTheReasonCode_itsMeaning_andTheBrokersReasonString() throws Exception {
    client = MqttClient.create(config().build());
    CompletableFuture<?> f = client.connect();
    ScriptedBroker.Conn conn = broker.accept();
    Connect c = conn.take(Connect.class);
    assertThat(c.clientId()).isEqualTo("dev-1");
    conn.send(
        new Connack(
            false,
            ReasonCode.BANNED,
            MqttProperties.builder().reasonString("too many failed logins").build()));
    ExecutionException e =
        catchThrowableOfType(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    MqttClientException m = (MqttClientException) e.getCause();
    assertThat(m.kind()).isEqualTo(FailureKind.REFUSED);
    assertThat(m.reasonCode()).contains(ReasonCode.BANNED);
    assertThat(m.reasonString()).contains("too many failed logins");
    assertThat(m.getMessage())
        .contains("0x8A banned")
        .contains("banned by the broker's administrator")
        .contains("too many failed logins");
    assertThat(client.state()).isEqualTo(ConnectionState.DISCONNECTED);
  }

  @Test
  void refusedPublishAndSubscribe_failWithTheReasonCode() throws Exception {
    ScriptedBroker.Conn conn = connect(config(), MqttProperties.EMPTY);
    CompletableFuture<PublishResult> pub =
        client.publish(Message.builder("a/b").payload("x").qos(Qos.AT_LEAST_ONCE).build());
    Publish p = conn.take(Publish.class);
    conn.send(
        new Puback(
            p.packetId(),
            ReasonCode.NOT_AUTHORIZED,
            MqttProperties.builder().reasonString("no write to a/b").build()));
    MqttClientException pe =
        (MqttClientException)
            catchThrowableOfType(ExecutionException.class, () -> pub.get(10, TimeUnit.SECONDS))
                .getCause();
    assertThat(pe.kind()).isEqualTo(FailureKind.PROTOCOL);
    assertThat(pe.reasonCode()).contains(ReasonCode.NOT_AUTHORIZED);
    assertThat(pe.getMessage())
        .contains("a/b")
        .contains("0x87 not authorized")
        .contains("no write to a/b");

    CompletableFuture<?> sub =
        client.subscribe(Subscription.of("secret/#", Qos.AT_LEAST_ONCE), m -> {});
    Subscribe s = conn.take(Subscribe.class);
    conn.send(new Suback(s.packetId(), List.of(ReasonCode.NOT_AUTHORIZED), MqttProperties.EMPTY));
    MqttClientException se =
        (MqttClientException)
            catchThrowableOfType(ExecutionException.class, () -> sub.get(10, TimeUnit.SECONDS))
                .getCause();
    assertThat(se.reasonCode()).contains(ReasonCode.NOT_AUTHORIZED);
    assertThat(se.getMessage()).contains("secret/#");
    assertThat(client.status().subscriptions()).isEmpty();
  }

  @Test
  void receiveMaximum_limitsUnacknowledgedPublishes() throws Exception {
    ScriptedBroker.Conn conn =
        connect(config().maxInflight(10), MqttProperties.builder().receiveMaximum(2).build());
    List<CompletableFuture<PublishResult>> sent = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(
          client.publish(Message.builder("w").payload("m" + i).qos(Qos.AT_LEAST_ONCE).build()));
    }
    Publish first = conn.take(Publish.class);
    Publish second = conn.take(Publish.class);
    assertThat(conn.quietFor(300)).as("a third PUBLISH before any PUBACK").isTrue();
    conn.send(new Puback(first.packetId()));
    Publish third = conn.take(Publish.class);
    assertThat(third.payload().toString(StandardCharsets.UTF_8)).isEqualTo("m2");
    conn.send(new Puback(second.packetId()));
    conn.send(new Puback(third.packetId()));
    Publish fourth = conn.take(Publish.class);
    Publish fifth = conn.take(Publish.class);
    conn.send(new Puback(fourth.packetId()));
    conn.send(new Puback(fifth.packetId()));
    for (CompletableFuture<PublishResult> f : sent) {
      assertThat(f.get(10, TimeUnit.SECONDS).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    }
  }

  @Test
  void resumedSession_resendsUnacknowledgedPublishWithDup_andPubrelForReceivedQos2()
      throws Exception {
    ReconnectPolicy fast =
        new ReconnectPolicy(true, Duration.ofMillis(20), Duration.ofMillis(100), 2.0, 0.0);
    ScriptedBroker.Conn first =
        connect(
            config().cleanStart(false).sessionExpirySeconds(600).reconnect(fast),
            MqttProperties.EMPTY);
    CompletableFuture<PublishResult> q1 =
        client.publish(Message.builder("r/1").payload("one").qos(Qos.AT_LEAST_ONCE).build());
    CompletableFuture<PublishResult> q2 =
        client.publish(Message.builder("r/2").payload("two").qos(Qos.EXACTLY_ONCE).build());
    Publish p1 = first.take(Publish.class);
    Publish p2 = first.take(Publish.class);
    assertThat(p1.dup()).isFalse();
    first.send(new Pubrec(p2.packetId()));
    assertThat(first.take(Pubrel.class).packetId()).isEqualTo(p2.packetId());
    first.close(); // the network drops before PUBACK and PUBCOMP

    ScriptedBroker.Conn second = broker.accept();
    Connect again = second.take(Connect.class);
    assertThat(again.cleanStart()).isFalse();
    assertThat(again.clientId()).isEqualTo("dev-1");
    second.send(accept(true, MqttProperties.EMPTY));
    Publish resent = second.take(Publish.class);
    assertThat(resent.dup()).isTrue();
    assertThat(resent.packetId()).isEqualTo(p1.packetId());
    assertThat(resent.payload().toString(StandardCharsets.UTF_8)).isEqualTo("one");
    assertThat(second.take(Pubrel.class).packetId()).isEqualTo(p2.packetId());
    second.send(new Puback(p1.packetId()));
    second.send(new Pubcomp(p2.packetId()));
    assertThat(q1.get(10, TimeUnit.SECONDS).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    assertThat(q2.get(10, TimeUnit.SECONDS).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    assertThat(client.status().connect().get().sessionPresent()).isTrue();
  }

  @Test
  void incomingQos2_duplicateIsDeliveredOnce() throws Exception {
    ScriptedBroker.Conn conn = connect(config(), MqttProperties.EMPTY);
    List<String> got = new CopyOnWriteArrayList<>();
    CompletableFuture<?> sub =
        client.subscribe(
            Subscription.of("q2/#", Qos.EXACTLY_ONCE), m -> got.add(m.payloadAsString()));
    Subscribe s = conn.take(Subscribe.class);
    conn.send(new Suback(s.packetId(), List.of(ReasonCode.GRANTED_QOS_2), MqttProperties.EMPTY));
    sub.get(10, TimeUnit.SECONDS);
    Publish p =
        new Publish(
            false,
            Qos.EXACTLY_ONCE,
            false,
            "q2/x",
            7,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer("once", StandardCharsets.UTF_8));
    conn.send(p);
    assertThat(conn.take(Pubrec.class).packetId()).isEqualTo(7);
    conn.send(
        new Publish(
            true,
            Qos.EXACTLY_ONCE,
            false,
            "q2/x",
            7,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer("once", StandardCharsets.UTF_8)));
    assertThat(conn.take(Pubrec.class).packetId()).isEqualTo(7);
    conn.send(new Pubrel(7));
    assertThat(conn.take(Pubcomp.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    // a new message may reuse the id once PUBREL released it
    conn.send(
        new Publish(
            false,
            Qos.EXACTLY_ONCE,
            false,
            "q2/x",
            7,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer("again", StandardCharsets.UTF_8)));
    assertThat(conn.take(Pubrec.class).packetId()).isEqualTo(7);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (got.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(got).containsExactly("once", "again");
  }

  @Test
  void brokerDisconnect_isReportedWithItsReason() throws Exception {
    ScriptedBroker.Conn conn = connect(config(), MqttProperties.EMPTY);
    CompletableFuture<MqttClientException> lost = new CompletableFuture<>();
    client.onConnectionLost(lost::complete);
    conn.send(
        new Disconnect(
            ReasonCode.SESSION_TAKEN_OVER,
            MqttProperties.builder().reasonString("another dev-1 connected").build()));
    MqttClientException e = lost.get(10, TimeUnit.SECONDS);
    assertThat(e.reasonCode()).contains(ReasonCode.SESSION_TAKEN_OVER);
    assertThat(e.getMessage())
        .contains("0x8E session taken over")
        .contains("another dev-1 connected");
    assertThat(client.state()).isEqualTo(ConnectionState.DISCONNECTED);
  }

  @Test
  void noConnack_timesOutNamingTheStage() {
    client = MqttClient.create(config().connectTimeout(Duration.ofMillis(500)).build());
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> client.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(e.getMessage()).contains("no CONNACK").contains("waiting for CONNACK");
  }

  @Test
  void subscribeCutOffBeforeSuback_failsAndIsNotKept() throws Exception {
    ScriptedBroker.Conn conn = connect(config(), MqttProperties.EMPTY);
    CompletableFuture<?> sub =
        client.subscribe(Subscription.of("never/#", Qos.AT_LEAST_ONCE), m -> {});
    conn.take(Subscribe.class);
    conn.close();
    MqttClientException e =
        (MqttClientException)
            catchThrowableOfType(ExecutionException.class, () -> sub.get(10, TimeUnit.SECONDS))
                .getCause();
    assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_LOST);
    assertThat(client.status().subscriptions()).isEmpty();
  }
}
