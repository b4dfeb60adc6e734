package dev.mqttls.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.OfflineBuffer;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.Ports;
import dev.mqttls.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Three node JVMs with node certificates from {@code mqttls pki node} (the pki library) and an
 * admin HTTP listener each: the cluster meters on {@code /metrics}, then a rolling restart (each
 * node stopped by PID and started again, in turn) under steady QoS 1 load from our client library
 * with failover URIs, a persistent session for publisher and subscriber.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class ClusterRollingRestartTest {
  private static final Duration START = Duration.ofSeconds(150);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOPIC = "rolling/load";

  @TempDir static Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final int[] http = new int[3];
  private final List<MqttClient> clients = new ArrayList<>();

  @BeforeAll
  void startCluster() throws Exception {
    for (int i = 0; i < 3; i++) {
      http[i] = Ports.freeStablePort();
    }
    nodes.addAll(
        ClusterFixture.nodesFromPki(
            dir, 3, i -> List.of("http_listener " + http[i] + " 127.0.0.1")));
    ClusterFixture.startAll(nodes, START, WAIT);
  }

  @AfterAll
  void stopCluster() throws InterruptedException {
    for (MqttClient c : clients) {
      c.close();
    }
    for (NodeProcess n : nodes) {
      n.close();
    }
  }

  private MqttClient client(String id, int first, int second, int third) {
    MqttClient c =
        MqttClient.create(
            MqttClientConfig.builder("127.0.0.1")
                .port(nodes.get(first).mqttPort)
                .failoverServer("127.0.0.1", nodes.get(second).mqttPort)
                .failoverServer("127.0.0.1", nodes.get(third).mqttPort)
                .clientId(id)
                .cleanStart(false)
                .sessionExpirySeconds(600)
                .connectTimeout(Duration.ofSeconds(10))
                .reconnect(
                    ReconnectPolicy.exponential(Duration.ofMillis(200), Duration.ofSeconds(1)))
                .offlineBuffer(new OfflineBuffer(10_000, OfflineBuffer.Overflow.FAIL))
                .build());
    clients.add(c);
    return c;
  }

  /** Every other message of the load is QoS 2. */
  private static Qos qosOf(int n) {
    return n % 2 == 0 ? Qos.AT_LEAST_ONCE : Qos.EXACTLY_ONCE;
  }

  private List<PrometheusText.Sample> scrape(int node) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http[node] + "/metrics"))
                    .timeout(WAIT)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return PrometheusText.parse(body);
  }

  private static double value(List<PrometheusText.Sample> s, String name, String... labels) {
    return PrometheusText.value(s, name, labels)
        .orElseThrow(() -> new AssertionError(name + " not served"));
  }

  @Test
  @Order(1)
  void metrics_showMembersPartitionAndForwardedTraffic() throws Exception {
    assumeTrue(PrometheusText.isInstalled(), "python3-prometheus-client missing: run ./test.sh");
    MqttClient sub = client("metrics-sub", 1, 2, 0);
    Set<String> got = ConcurrentHashMap.newKeySet();
    sub.blocking().connect();
    sub.blocking().subscribe("metrics/#", Qos.AT_LEAST_ONCE, m -> got.add(m.payloadAsString()));
    MqttClient pub = client("metrics-pub", 0, 1, 2);
    pub.blocking().connect();
    for (int i = 0; i < 5; i++) {
      pub.blocking()
          .publish(Message.builder("metrics/x").payload("m" + i).qos(Qos.AT_LEAST_ONCE).build());
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (got.size() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(got).hasSize(5);

    List<PrometheusText.Sample> one = scrape(0);
    List<PrometheusText.Sample> two = scrape(1);
    System.out.printf(
        "cluster metrics on node-1: members %.0f, configured %.0f, majority %.0f, sessions %.0f,"
            + " backlog %.0f, frames sent to node-2 %.0f (%.0f bytes)%n",
        value(one, "mqttls_cluster_members"),
        value(one, "mqttls_cluster_nodes_configured"),
        value(one, "mqttls_cluster_partition_majority"),
        value(one, "mqttls_cluster_sessions"),
        value(one, "mqttls_cluster_replication_backlog"),
        value(one, "mqttls_cluster_forwarded_frames_sent_total", "peer", "node-2"),
        value(one, "mqttls_cluster_forwarded_sent_bytes_total", "peer", "node-2"));
    for (List<PrometheusText.Sample> s : List.of(one, two)) {
      assertThat(value(s, "mqttls_cluster_members")).isEqualTo(3.0);
      assertThat(value(s, "mqttls_cluster_nodes_configured")).isEqualTo(3.0);
      assertThat(value(s, "mqttls_cluster_partition_majority")).isEqualTo(1.0);
      assertThat(value(s, "mqttls_cluster_sessions")).isGreaterThanOrEqualTo(1.0);
      assertThat(value(s, "mqttls_cluster_replication_backlog")).isGreaterThanOrEqualTo(0.0);
      assertThat(value(s, "mqttls_cluster_nodes_left_total")).isZero();
      assertThat(value(s, "mqttls_cluster_takeovers_total", "side", "new_owner")).isZero();
    }
    // The publisher is on node-1, the subscriber on node-2: five frames went from one to the other.
    assertThat(value(one, "mqttls_cluster_forwarded_frames_sent_total", "peer", "node-2"))
        .isGreaterThanOrEqualTo(5.0);
    assertThat(value(one, "mqttls_cluster_forwarded_sent_bytes_total", "peer", "node-2"))
        .isGreaterThan(5.0 * "metrics/x".length());
    assertThat(value(two, "mqttls_cluster_forwarded_frames_received_total", "peer", "node-1"))
        .isGreaterThanOrEqualTo(5.0);
    assertThat(value(two, "mqttls_cluster_forwarded_received_bytes_total", "peer", "node-1"))
        .isEqualTo(value(one, "mqttls_cluster_forwarded_sent_bytes_total", "peer", "node-2"));
    sub.blocking().disconnect();
    pub.blocking().disconnect();
  }

  /**
   * Each node stopped with SIGTERM by PID under QoS 1 and 2 load: the node hands its sessions to
   * the others before it leaves (docs/cluster.md, "Rolling restart").
   */
  @Test
  @Order(2)
  void rollingRestart_underQos1And2Load_losesNothingAcknowledged_noQos2Twice() throws Exception {
    MqttClient sub = client("rolling-sub", 0, 1, 2);
    MqttClient pub = client("rolling-pub", 1, 2, 0);
    AtomicInteger subLost = new AtomicInteger();
    AtomicInteger pubLost = new AtomicInteger();
    sub.onConnectionLost(e -> subLost.incrementAndGet());
    pub.onConnectionLost(e -> pubLost.incrementAndGet());
    Set<String> received = ConcurrentHashMap.newKeySet();
    AtomicInteger deliveries = new AtomicInteger();
    // QoS 1 allows a message twice: counted to show where (a resend by the publisher after its
    // node stopped, or by the subscriber's new node). QoS 2 does not: asserted.
    Set<String> twice = ConcurrentHashMap.newKeySet();
    sub.onUnmatchedMessage(
        m -> {
          deliveries.incrementAndGet();
          if (!received.add(m.payloadAsString())) {
            twice.add(m.payloadAsString());
          }
        });
    sub.blocking().connect();
    sub.blocking()
        .subscribe(
            TOPIC,
            Qos.EXACTLY_ONCE,
            m -> {
              deliveries.incrementAndGet();
              if (!received.add(m.payloadAsString())) {
                twice.add(m.payloadAsString());
              }
            });
    pub.blocking().connect();

    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger refused = new AtomicInteger();
    java.util.Map<String, Integer> why = new java.util.concurrent.ConcurrentSkipListMap<>();
    AtomicInteger sent = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    // Steady load: one message every 10 ms, QoS 1 and 2 alternately, at most 200 unacknowledged.
    Thread load =
        new Thread(
            () -> {
              AtomicInteger outstanding = new AtomicInteger();
              for (int i = 0; !stop.get() && i < 60_000; i++) {
                if (outstanding.get() < 200) {
                  // Numbered in sending order, so a lost message tells when it was sent.
                  int n = sent.getAndIncrement();
                  String payload = "m" + n;
                  outstanding.incrementAndGet();
                  pub.publish(Message.builder(TOPIC).payload(payload).qos(qosOf(n)).build())
                      .orTimeout(60, TimeUnit.SECONDS)
                      .whenComplete(
                          (r, e) -> {
                            outstanding.decrementAndGet();
                            if (e == null) {
                              acked.add(payload);
                            } else {
                              refused.incrementAndGet();
                              Throwable c = e.getCause() != null ? e.getCause() : e;
                              String k =
                                  c instanceof dev.mqttls.client.MqttClientException x
                                      ? x.kind().toString()
                                      : c.getClass().getSimpleName();
                              why.merge(k, 1, Integer::sum);
                            }
                          });
                }
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rolling-load");
    load.start();
    List<Integer> ackedAfterRestart = new ArrayList<>();
    // Per restart: the first message sent once the node was stopping, the first once it was back.
    List<int[]> windows = new ArrayList<>();
    try {
      Thread.sleep(2000);
      for (NodeProcess n : nodes) {
        List<Integer> marks = new ArrayList<>();
        for (NodeProcess other : nodes) {
          marks.add(other.mark());
        }
        int stopping = sent.get();
        n.close(); // SIGTERM by PID, waits for the process to end
        String[] life = n.read().substring(marks.get(nodes.indexOf(n))).split("\n");
        // How it left: sessions handed over, takeovers answered (bounded).
        Arrays.stream(life)
            .filter(l -> l.contains("Cluster:"))
            .limit(25)
            .forEach(l -> System.out.println("rolling restart: " + n.name + " stopping: " + l));
        Thread.sleep(1000);
        n.start();
        n.awaitLogSince(marks.get(nodes.indexOf(n)), ClusterNodeMain.READY, START);
        for (NodeProcess other : nodes) {
          other.awaitLogSince(marks.get(nodes.indexOf(other)), "3 of 3 node(s) up", START);
        }
        windows.add(new int[] {stopping, sent.get()});
        // Publishing goes on: the next acknowledgement comes (bounded wait; how long is printed,
        // not asserted), and the cluster settles a little before the next restart.
        int before = acked.size();
        long back = System.nanoTime();
        long until = back + TimeUnit.SECONDS.toNanos(30);
        while (acked.size() == before && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        long waited = (System.nanoTime() - back) / 1_000_000;
        ackedAfterRestart.add(acked.size() - before);
        Thread.sleep(Math.max(0, 3000 - waited));
        System.out.printf(
            "rolling restart: %s back (pid %d); acknowledged so far %d; the next acknowledgement"
                + " %d ms after it had rejoined%n",
            n.name, n.pid(), acked.size(), waited);
      }
    } finally {
      stop.set(true);
      load.join(10_000);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((!received.containsAll(acked) || pub.status().inflight() > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Set<String> lost = new java.util.TreeSet<>(acked);
    lost.removeAll(received);
    for (int w = 0; w < windows.size(); w++) {
      int from = windows.get(w)[0];
      int to = windows.get(w)[1];
      long in =
          lost.stream()
              .mapToInt(p -> Integer.parseInt(p.substring(1)))
              .filter(i -> i >= from && i < to)
              .count();
      long dup =
          twice.stream()
              .mapToInt(p -> Integer.parseInt(p.substring(1)))
              .filter(i -> i >= from && i < to)
              .count();
      System.out.printf(
          "rolling restart: %s stopped to rejoined: messages m%d..m%d, acknowledged-but-lost %d,"
              + " delivered more than once %d%n",
          nodes.get(w).name, from, to - 1, in, dup);
    }
    System.out.printf(
        "rolling restart (QoS 1 and 2 alternately): sent %d, acknowledged %d, not acknowledged %d %s, received %d distinct"
            + " (%d deliveries), acknowledged-but-lost %d%s; connections lost: subscriber %d"
            + " (now on %s), publisher %d (now on %s)%n",
        sent.get(),
        acked.size(),
        refused.get(),
        why,
        received.size(),
        deliveries.get(),
        lost.size(),
        (lost.isEmpty() ? "" : " e.g. " + lost.stream().limit(10).toList())
            + "; delivered more than once: "
            + twice.stream()
                .mapToInt(p -> Integer.parseInt(p.substring(1)))
                .sorted()
                .limit(40)
                .boxed()
                .toList(),
        subLost.get(),
        sub.status().brokerUrl(),
        pubLost.get(),
        pub.status().brokerUrl());
    for (NodeProcess n : nodes) {
      // What each node said about the moves: takeovers, adoptions, refusals (bounded).
      List<String> said =
          n.read()
              .lines()
              .filter(
                  l ->
                      (l.contains("Cluster:") || l.contains("disconnected"))
                          && !l.contains("certificate")
                          && !l.contains("a majority"))
              .toList();
      said.stream()
          .skip(Math.max(0, said.size() - 150))
          .forEach(l -> System.out.println("rolling restart: " + n.name + ": " + l));
    }
    if (PrometheusText.isInstalled()) {
      // node-1 restarted first, then saw node-2 and node-3 leave and come back.
      List<PrometheusText.Sample> one = scrape(0);
      System.out.printf(
          "rolling restart: node-1's /metrics: members %.0f, nodes left %.0f, joined %.0f%n",
          value(one, "mqttls_cluster_members"),
          value(one, "mqttls_cluster_nodes_left_total"),
          value(one, "mqttls_cluster_nodes_joined_total"));
      assertThat(value(one, "mqttls_cluster_members")).isEqualTo(3.0);
      assertThat(value(one, "mqttls_cluster_nodes_left_total")).isGreaterThanOrEqualTo(2.0);
      assertThat(value(one, "mqttls_cluster_nodes_joined_total")).isGreaterThanOrEqualTo(2.0);
    }
    // Each client's node was restarted under it: it lost its connection and came back by itself.
    assertThat(subLost.get()).as("subscriber connections lost").isGreaterThanOrEqualTo(1);
    assertThat(pubLost.get()).as("publisher connections lost").isGreaterThanOrEqualTo(1);
    assertThat(sub.state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(pub.state()).isEqualTo(ConnectionState.CONNECTED);
    // Publishing went on after every restart.
    assertThat(ackedAfterRestart).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(lost).as("acknowledged but never received").isEmpty();
    assertThat(
            twice.stream().filter(p -> qosOf(Integer.parseInt(p.substring(1))) == Qos.EXACTLY_ONCE))
        .as("QoS 2 messages delivered twice")
        .isEmpty();
  }
}
