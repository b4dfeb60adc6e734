package dev.mqttls.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.interop.broker.Received;
import dev.mqttls.interop.broker.V5Client;
import dev.mqttls.testing.MosquittoClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node JVMs (as {@link ClusterTest}): a shared subscription gets each message once
 * cluster-wide, on the publisher's node when the group has a member there, spread over the other
 * nodes' members when it has not; the wills of clients of a node killed with {@code kill -9} are
 * published by a survivor after their Will Delay, once, except for a client that connected again on
 * another node within its delay. Paho v5 and mosquitto_sub as clients. The will test kills node 3,
 * so it runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterWillAndShareTest {
  private static final Duration START = Duration.ofSeconds(150);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Client> clients = new ArrayList<>();
  private final List<MosquittoClients.Running> tools = new ArrayList<>();
  private final List<V5Client> v5Clients = new ArrayList<>();

  @BeforeAll
  void startCluster() throws Exception {
    nodes.addAll(ClusterFixture.nodes(dir, 3));
    ClusterFixture.startAll(nodes, START, WAIT);
  }

  @AfterAll
  void stopCluster() throws InterruptedException {
    for (Client c : clients) {
      c.close();
    }
    for (MosquittoClients.Running t : tools) {
      t.close();
    }
    v5Clients.forEach(V5Client::close);
    for (NodeProcess n : nodes) {
      n.close();
    }
  }

  private NodeProcess node(int i) {
    return nodes.get(i - 1);
  }

  @Test
  @Order(1)
  void sharedGroup_getsEachMessageOnce_onThePublishersNodeFirst_elseSpreadOverNodes()
      throws Exception {
    String group = "$share/workers/jobs/#";
    Client member1 = connect("member-on-1", node(1), null).subscribe(group);
    Client member2 = connect("member-on-2", node(2), null).subscribe(group);
    Client member3 = connect("member-on-3", node(3), null).subscribe(group);
    MosquittoClients.Running plain =
        MosquittoClients.start(
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            node(2).mqttPort,
            "-V",
            "mqttv5",
            "-q",
            "1",
            "-t",
            "jobs/#",
            "-d");
    tools.add(plain);
    // After the SUBACK node 2's filter is replicated: node 1 routes to it.
    plain.awaitOutput("SUBACK", WAIT);
    Client publisher = connect("jobs-publisher-on-1", node(1), null);
    int n = 20;

    // The group has a member on the publisher's node: that member gets every message.
    for (int i = 0; i < n; i++) {
      publisher.publish("jobs/a", "one-" + i);
    }
    awaitTrue(() -> member1.received.size() >= n && count(plain, "one-") >= n, "phase one");
    quiet();
    assertThat(member1.payloads()).hasSize(n).doesNotHaveDuplicates();
    assertThat(member2.received).isEmpty();
    assertThat(member3.received).isEmpty();
    assertThat(count(plain, "one-")).as("the plain subscriber on node 2").isEqualTo(n);

    // No member on the publisher's node: each message to exactly one member on another node.
    member1.client.unsubscribe(group);
    for (int i = 0; i < n; i++) {
      publisher.publish("jobs/b", "two-" + i);
    }
    awaitTrue(
        () -> member2.received.size() + member3.received.size() >= n && count(plain, "two-") >= n,
        "phase two");
    quiet();
    List<String> spread = new ArrayList<>(member2.payloads());
    spread.addAll(member3.payloads());
    System.out.printf(
        "cluster shared subscription: %d published on node 1 with no member there: node 2's"
            + " member got %d, node 3's %d%n",
        n, member2.received.size(), member3.received.size());
    assertThat(spread).as("each message to one member").hasSize(n).doesNotHaveDuplicates();
    assertThat(member2.received).as("node 2's member").isNotEmpty();
    assertThat(member3.received).as("node 3's member").isNotEmpty();
    assertThat(member1.received).as("node 1's member, unsubscribed").hasSize(n);
    assertThat(count(plain, "two-")).as("the plain subscriber on node 2").isEqualTo(n);
  }

  @Test
  @Order(3)
  void willsOfAKilledNodesClients_arePublishedBySurvivorsAfterTheirDelay_unlessTheyReconnect()
      throws Exception {
    Client watcher = connect("will-watcher-on-1", node(1), null).subscribe("wills/#");
    printConnectCost();
    // Will Delay 2 s, retained: a survivor publishes it once the node is gone and 2 s have passed.
    connect("dev-a", node(3), will("wills/dev-a", "dev-a gone", 2));
    // Will Delay 8 s: it connects again, on node 2, well within that; its will must not come.
    connect("dev-b", node(3), will("wills/dev-b", "dev-b gone", 8));
    // A normal DISCONNECT drops the will everywhere.
    Client c = connect("dev-c", node(3), will("wills/dev-c", "dev-c gone", 0));
    c.client.disconnect();

    // On a live node: its connection drops (no DISCONNECT), it connects again on another node
    // within its 3 s delay; node 2 must not publish the will when its timer runs out.
    Client d = connect("dev-d", node(2), will("wills/dev-d", "dev-d gone", 3));
    d.client.disconnectForcibly(0, 100, false);
    connect("dev-d", node(1), null);

    int mark = node(1).mark();
    node(3).kill9();
    long killedAt = System.nanoTime();
    Client b = connect("dev-b", node(2), null);
    assertThat(b.client.isConnected()).isTrue();

    awaitTrue(() -> !watcher.received.isEmpty(), "dev-a's will on node 1");
    long willAt = System.nanoTime();
    long willAfterMillis = (willAt - killedAt) / 1_000_000;
    // Had dev-b's will been left due, it would come 6 s after dev-a's (8 s against 2 s, timed
    // from the same view change): wait past that.
    Thread.sleep(
        Math.max(0, TimeUnit.SECONDS.toMillis(7) - (System.nanoTime() - willAt) / 1_000_000));
    assertThat(node(1).read().substring(mark)).doesNotContain("published the will of dev-b");
    System.out.printf(
        "cluster will: dev-a's will (delay 2 s) on node 1 %d ms after kill -9 of its node%n",
        willAfterMillis);
    assertThat(watcher.payloads()).as("wills received").containsExactly("wills/dev-a=dev-a gone");
    assertThat(willAfterMillis).as("not before its Will Delay").isGreaterThanOrEqualTo(2000);

    // Retained cluster-wide: a new subscriber on node 2 reads it.
    MosquittoClients.Result retained =
        MosquittoClients.run(
            WAIT,
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            node(2).mqttPort,
            "-t",
            "wills/dev-a",
            "-C",
            "1",
            "-W",
            "10");
    assertThat(retained.stdout()).as("%s", retained).contains("dev-a gone");
  }

  /**
   * What keeping a will on every node before the CONNACK costs: CONNECT to CONNACK on node 2 with
   * and without a will, alternating (printed, not asserted: the machine is shared).
   */
  private void printConnectCost() throws MqttException {
    int rounds = 9;
    long[] with = new long[rounds];
    long[] without = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      without[i] = timedConnect("cost-" + i, null);
      with[i] = timedConnect("cost-" + i, will("costs/" + i, "x", 0));
    }
    java.util.Arrays.sort(with);
    java.util.Arrays.sort(without);
    System.out.printf(
        "cluster will: CONNECT to CONNACK on node 2, median of %d: %.2f ms with a will, %.2f ms"
            + " without%n",
        rounds, with[rounds / 2] / 1e6, without[rounds / 2] / 1e6);
  }

  private long timedConnect(String id, Will will) throws MqttException {
    long start = System.nanoTime();
    Client c = connect(id, node(2), will);
    long took = System.nanoTime() - start;
    c.client.disconnect();
    c.close();
    clients.remove(c);
    return took;
  }

  // ---- helpers

  /**
   * MQTT 5 across nodes: a retained QoS 1 message with a user property, content type, response
   * topic, correlation data and message expiry, published on node 1, reaches node 2's subscriber
   * (Retain As Published, subscription identifier 7) with all of them, the retain flag kept and its
   * identifier; node 3's subscriber (neither option) without the flag or an identifier; and not the
   * publisher's own No Local subscription, which does get a message another node's client
   * published.
   */
  @Test
  @Order(2)
  void v5PropertiesAndSubscriptionOptions_holdAcrossNodes() throws Exception {
    V5Client onTwo = v5("v5-rap-on-2", node(2), true, false, 7);
    V5Client onThree = v5("v5-plain-on-3", node(3), false, false, null);
    V5Client publisher = v5("v5-pub-on-1", node(1), false, true, null);

    MqttProperties props = new MqttProperties();
    props.setUserProperties(List.of(new UserProperty("k", "v")));
    props.setContentType("text/plain");
    props.setResponseTopic("v5/reply");
    props.setCorrelationData("c1".getBytes(StandardCharsets.UTF_8));
    props.setMessageExpiryInterval(600L);
    // Each returns with the PUBACK, once every node with a match has the message.
    publisher.publish("v5/a", "hello", 1, true, props);
    onThree.publish("v5/b", "from-3", 1, false, null);

    Received atTwo = onTwo.inbox.next(WAIT);
    assertThat(atTwo.topic()).isEqualTo("v5/a");
    assertThat(atTwo.retained()).as("Retain As Published keeps the flag").isTrue();
    assertThat(atTwo.v5().subscriptionIdentifiers()).containsExactly(7);
    assertThat(atTwo.v5().userProperties()).containsExactly(java.util.Map.entry("k", "v"));
    assertThat(atTwo.v5().contentType()).isEqualTo("text/plain");
    assertThat(atTwo.v5().responseTopic()).isEqualTo("v5/reply");
    assertThat(new String(atTwo.v5().correlationData(), StandardCharsets.UTF_8)).isEqualTo("c1");
    assertThat(atTwo.v5().messageExpiryInterval()).isBetween(1L, 600L);
    Received atThree = onThree.inbox.next(WAIT);
    assertThat(atThree.topic()).isEqualTo("v5/a");
    assertThat(atThree.retained()).as("without Retain As Published").isFalse();
    assertThat(atThree.v5().subscriptionIdentifiers()).isEmpty();
    assertThat(atThree.v5().contentType()).isEqualTo("text/plain");
    assertThat(publisher.inbox.next(WAIT).topic())
        .as("No Local: node 3's message, not its own")
        .isEqualTo("v5/b");
    quiet();
    assertThat(publisher.inbox.drain()).as("No Local").isEmpty();
    // The retained message goes, for the tests after this one.
    publisher.publish("v5/a", "", 1, true, null);
  }

  /** A Paho v5 client on {@code node} subscribed to {@code v5/#} with these options. */
  private V5Client v5(
      String id, NodeProcess node, boolean retainAsPublished, boolean noLocal, Integer subId) {
    V5Client c = V5Client.connect("tcp://127.0.0.1:" + node.mqttPort, id, o -> {});
    v5Clients.add(c);
    MqttSubscription sub = new MqttSubscription("v5/#", 1);
    sub.setRetainAsPublished(retainAsPublished);
    sub.setNoLocal(noLocal);
    return c.subscribe(sub, subId);
  }

  private static Will will(String topic, String payload, long delaySeconds) {
    return new Will(topic, payload, delaySeconds);
  }

  private record Will(String topic, String payload, long delaySeconds) {}

  private Client connect(String id, NodeProcess node, Will will) throws MqttException {
    MqttClient paho =
        new MqttClient("tcp://127.0.0.1:" + node.mqttPort, id, new MemoryPersistence());
    Client c = new Client(paho);
    paho.setCallback(c);
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout(15);
    o.setKeepAliveInterval(30);
    o.setExecutorServiceTimeout(0);
    if (will != null) {
      MqttMessage m =
          new MqttMessage(will.payload().getBytes(StandardCharsets.UTF_8), 1, true, null);
      o.setWill(will.topic(), m);
      MqttProperties p = new MqttProperties();
      p.setWillDelayInterval(will.delaySeconds());
      o.setWillMessageProperties(p);
      // The will is due after min(Will Delay, session expiry): the session must outlast it.
      o.setSessionExpiryInterval(60L);
    }
    clients.add(c);
    paho.connect(o);
    return c;
  }

  private static int count(MosquittoClients.Running sub, String prefix) {
    int n = 0;
    for (String line : sub.outputLines()) {
      if (line.startsWith(prefix)) {
        n++;
      }
    }
    return n;
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(condition.getAsBoolean()).as("%s within %s", what, WAIT).isTrue();
  }

  /** A second for duplicates, if any, to arrive before the counts are checked. */
  private static void quiet() throws InterruptedException {
    Thread.sleep(1000);
  }

  /** A Paho v5 client and what it received ({@code topic=payload}, or the payload alone). */
  private static final class Client implements MqttCallback {
    final MqttClient client;
    final Queue<String> received = new ConcurrentLinkedQueue<>();
    private boolean withTopic;

    Client(MqttClient client) {
      this.client = client;
    }

    Client subscribe(String filter) throws MqttException {
      withTopic = filter.startsWith("wills");
      IMqttToken t = client.subscribe(filter, 1);
      assertThat(t.getReasonCodes()).as("SUBACK of %s", filter).containsExactly(1);
      return this;
    }

    void publish(String topic, String payload) throws MqttException {
      // Synchronous at QoS 1: returns with the PUBACK, once every node with a match has it.
      client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    List<String> payloads() {
      return new ArrayList<>(received);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
      received.add(withTopic ? topic + "=" + payload : payload);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {}

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}

    void close() {
      try {
        if (client.isConnected()) {
          client.disconnectForcibly(100, 100);
        }
        client.close(true);
      } catch (MqttException e) {
        // Stopping the nodes is what matters.
      }
    }
  }
}
