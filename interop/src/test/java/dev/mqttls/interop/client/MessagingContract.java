package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.client.MessageStream;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.OfflineBuffer;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What our client must do with any broker over plain TCP: QoS 0/1/2 both ways in both protocol
 * versions, QoS downgrade, retained messages, MQTT 5 properties, the in-flight window, streams with
 * back-pressure and the offline buffer. Each subclass runs it against one broker.
 */
abstract class MessagingContract {
  static final Duration WAIT = Duration.ofSeconds(10);

  final List<AutoCloseable> toClose = new ArrayList<>();

  /** Starts the broker under test on 127.0.0.1 (closed through {@link #toClose}); its port. */
  abstract int startBroker() throws Exception;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  MqttClient client(MqttClientConfig.Builder b) {
    MqttClient c = MqttClient.create(b.build());
    toClose.add(c);
    return c;
  }

  static MqttClientConfig.Builder to(int port, String host) {
    return MqttClientConfig.builder(host).port(port);
  }

  Received subscriber(MqttClientConfig.Builder b, String filter, Qos qos) {
    MqttClient c = client(b);
    c.blocking().connect();
    Received r = new Received();
    c.blocking().subscribe(Subscription.of(filter, qos), r.list::add);
    return r;
  }

  /** Messages a subscriber received, in order. */
  static final class Received {
    final List<Message> list = new CopyOnWriteArrayList<>();

    List<Message> await(int n) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (list.size() < n && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(list).as("messages received within " + WAIT).hasSizeGreaterThanOrEqualTo(n);
      return list;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  void qos012_bothWays_inBothVersions(MqttVersion version) throws Exception {
    int port = startBroker();
    Received r =
        subscriber(
            to(port, "127.0.0.1").version(version).clientId("sub-" + version),
            "q/#",
            Qos.EXACTLY_ONCE);
    MqttClient pub = client(to(port, "127.0.0.1").version(version).clientId("pub-" + version));
    pub.blocking().connect();
    for (Qos q : Qos.values()) {
      PublishResult res =
          pub.blocking()
              .publish(Message.builder("q/" + q.code()).payload("m" + q.code()).qos(q).build());
      assertThat(res.qos()).isEqualTo(q);
      assertThat(res.reasonCode().isError()).isFalse();
    }
    List<Message> got = r.await(3);
    assertThat(got).extracting(Message::topic).containsExactly("q/0", "q/1", "q/2");
    assertThat(got).extracting(Message::qos).containsExactly(Qos.values());
    assertThat(got).extracting(Message::payloadAsString).containsExactly("m0", "m1", "m2");
    assertThat(pub.status().messagesOut()).isEqualTo(3);
  }

  @Test
  void subscriptionQos_downgradesDelivery() throws Exception {
    int port = startBroker();
    Received r = subscriber(to(port, "127.0.0.1"), "d/#", Qos.AT_LEAST_ONCE);
    MqttClient pub = client(to(port, "127.0.0.1"));
    pub.blocking().connect();
    pub.blocking().publish(Message.builder("d/2").payload("x").qos(Qos.EXACTLY_ONCE).build());
    assertThat(r.await(1).get(0).qos()).isEqualTo(Qos.AT_LEAST_ONCE);
  }

  @Test
  void retained_isDeliveredToALaterSubscriber_withTheRetainFlag() throws Exception {
    int port = startBroker();
    MqttClient pub = client(to(port, "127.0.0.1"));
    pub.blocking().connect();
    pub.blocking()
        .publish(
            Message.builder("r/state").payload("on").qos(Qos.AT_LEAST_ONCE).retain(true).build());
    Received r = subscriber(to(port, "127.0.0.1"), "r/#", Qos.AT_LEAST_ONCE);
    Message got = r.await(1).get(0);
    assertThat(got.retain()).isTrue();
    assertThat(got.payloadAsString()).isEqualTo("on");
  }

  @Test
  void v5Properties_travelBothWays() throws Exception {
    int port = startBroker();
    Received r = subscriber(to(port, "127.0.0.1"), "p/#", Qos.AT_LEAST_ONCE);
    MqttClient pub = client(to(port, "127.0.0.1"));
    pub.blocking().connect();
    MessageProperties props =
        MessageProperties.builder()
            .contentType("application/json")
            .responseTopic("p/reply")
            .correlationData(new byte[] {1, 2, 3})
            .messageExpirySeconds(300)
            .payloadUtf8(true)
            .userProperty("device", "d-1")
            .userProperty("device", "d-2")
            .build();
    pub.blocking()
        .publish(
            Message.builder("p/req")
                .payload("{}")
                .qos(Qos.AT_LEAST_ONCE)
                .properties(props)
                .build());
    MessageProperties got = r.await(1).get(0).properties();
    assertThat(got.contentType()).contains("application/json");
    assertThat(got.responseTopic()).contains("p/reply");
    assertThat(got.correlationData())
        .hasValueSatisfying(d -> assertThat(d).containsExactly(1, 2, 3));
    assertThat(got.payloadUtf8()).contains(true);
    assertThat(got.messageExpirySeconds().getAsLong()).isBetween(1L, 300L);
    assertThat(got.userProperties())
        .extracting(u -> u.name() + "=" + u.value())
        .containsExactly("device=d-1", "device=d-2");
  }

  @Test
  void v311_dropsV5Properties() throws Exception {
    int port = startBroker();
    Received r =
        subscriber(
            to(port, "127.0.0.1").version(MqttVersion.V3_1_1).clientId("s311"),
            "p/#",
            Qos.AT_LEAST_ONCE);
    MqttClient pub = client(to(port, "127.0.0.1"));
    pub.blocking().connect();
    pub.blocking()
        .publish(
            Message.builder("p/x")
                .payload("v")
                .qos(Qos.AT_LEAST_ONCE)
                .properties(MessageProperties.builder().contentType("text/plain").build())
                .build());
    assertThat(r.await(1).get(0).properties().isEmpty()).isTrue();
  }

  @Test
  void offlineBuffer_keepsPublishesMadeBeforeConnecting_andAppliesItsPolicyWhenFull()
      throws Exception {
    int port = startBroker();
    Received r = subscriber(to(port, "127.0.0.1"), "ob/#", Qos.AT_LEAST_ONCE);
    MqttClient pub =
        client(
            to(port, "127.0.0.1")
                .offlineBuffer(new OfflineBuffer(3, OfflineBuffer.Overflow.DROP_OLDEST)));
    List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(
          pub.publish(Message.builder("ob/" + i).payload("b" + i).qos(Qos.AT_LEAST_ONCE).build()));
    }
    Await.until("3 messages buffered", WAIT, () -> pub.status().buffered() >= 3);
    assertThat(pub.status().buffered()).isEqualTo(3);
    // the two oldest were dropped to make room, naming why
    for (int i = 0; i < 2; i++) {
      ExecutionException x =
          catchThrowableOfType(
              ExecutionException.class, () -> sent.get(0).get(5, TimeUnit.SECONDS));
      assertThat(((MqttClientException) x.getCause()).kind()).isEqualTo(FailureKind.BUFFER_FULL);
    }
    pub.blocking().connect();
    for (int i = 2; i < 5; i++) {
      assertThat(sent.get(i).get(10, TimeUnit.SECONDS).dropped()).isFalse();
    }
    assertThat(r.await(3)).extracting(Message::topic).containsExactly("ob/2", "ob/3", "ob/4");

    MqttClient failing =
        client(
            to(port, "127.0.0.1").offlineBuffer(new OfflineBuffer(1, OfflineBuffer.Overflow.FAIL)));
    CompletableFuture<PublishResult> kept = failing.publish(Message.of("ob/k", "k"));
    CompletableFuture<PublishResult> refused = failing.publish(Message.of("ob/f", "f"));
    ExecutionException x =
        catchThrowableOfType(ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS));
    assertThat(((MqttClientException) x.getCause()).kind()).isEqualTo(FailureKind.BUFFER_FULL);
    assertThat(kept).isNotDone();

    MqttClient dropping =
        client(
            to(port, "127.0.0.1")
                .offlineBuffer(new OfflineBuffer(1, OfflineBuffer.Overflow.DROP_NEWEST)));
    dropping.publish(Message.of("ob/a", "a"));
    assertThat(dropping.publish(Message.of("ob/b", "b")).get(5, TimeUnit.SECONDS).dropped())
        .isTrue();
  }

  @Test
  void inflightWindow_manyQos1And2Publishes_allCompleteInOrder() throws Exception {
    int port = startBroker();
    Received r = subscriber(to(port, "127.0.0.1"), "w/#", Qos.EXACTLY_ONCE);
    MqttClient pub = client(to(port, "127.0.0.1").maxInflight(3));
    pub.blocking().connect();
    List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(
          pub.publish(
              Message.builder("w/x").payload(Integer.toString(i)).qos(Qos.of(1 + i % 2)).build()));
    }
    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
    // MQTT orders messages of one QoS on a topic; QoS 1 and 2 may interleave
    List<Message> got = r.await(60);
    for (Qos q : List.of(Qos.AT_LEAST_ONCE, Qos.EXACTLY_ONCE)) {
      List<Integer> seq = new ArrayList<>();
      for (Message msg : got) {
        if (msg.qos() == q) {
          seq.add(Integer.parseInt(msg.payloadAsString()));
        }
      }
      assertThat(seq).hasSize(30).isSorted();
    }
  }

  @Test
  void stream_deliversOnlyWhatIsRequested_inOrder() throws Exception {
    int port = startBroker();
    MqttClient sub = client(to(port, "127.0.0.1"));
    sub.blocking().connect();
    MessageStream stream = sub.subscribeStream(Subscription.of("s/#", Qos.AT_LEAST_ONCE), 4);
    List<String> got = new CopyOnWriteArrayList<>();
    AtomicInteger requested = new AtomicInteger();
    AtomicInteger overDelivered = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    Flow.Subscription[] subscription = new Flow.Subscription[1];
    stream.subscribe(
        new Flow.Subscriber<Message>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription[0] = s;
            requested.addAndGet(2);
            s.request(2);
          }

          @Override
          public void onNext(Message item) {
            got.add(item.payloadAsString());
            if (got.size() > requested.get()) {
              overDelivered.incrementAndGet();
            }
            if (got.size() == 20) {
              done.countDown();
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
    stream.subscribed().get(10, TimeUnit.SECONDS);
    MqttClient pub = client(to(port, "127.0.0.1"));
    pub.blocking().connect();
    for (int i = 0; i < 20; i++) {
      pub.blocking()
          .publish(Message.builder("s/x").payload("s" + i).qos(Qos.AT_LEAST_ONCE).build());
    }
    // only the two requested arrive until more are asked for
    Await.until("the 2 requested messages", WAIT, () -> got.size() >= 2);
    Thread.sleep(200);
    assertThat(got).containsExactly("s0", "s1");
    requested.addAndGet(18);
    subscription[0].request(18);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(overDelivered.get()).isZero();
    assertThat(got.get(19)).isEqualTo("s19");
    subscription[0].cancel();
  }
}
