package dev.mqttls.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.certs.TestCerts;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
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
 * Three broker nodes, each its own JVM on 127.0.0.1 with its own MQTT and cluster port, mutual TLS
 * between nodes (certificates made per run), driven by mosquitto_pub/sub and Paho. The tests run in
 * order on one cluster (starting three JVMs is the expensive part); the last one kills a node and
 * partitions another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterTest {
  private static final Duration START = Duration.ofSeconds(150);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<MqttClient> clients = new ArrayList<>();
  private TestCerts.Held ca;

  @BeforeAll
  void startCluster() throws Exception {
    ca = TestCerts.rootCa("cluster CA");
    nodes.addAll(ClusterFixture.nodes(dir, 3, ca));
    ClusterFixture.startAll(nodes, START, WAIT);
  }

  @AfterAll
  void stopCluster() throws InterruptedException {
    for (MqttClient c : clients) {
      try {
        c.disconnectForcibly(100, 100);
        c.close(true);
      } catch (Exception e) {
        // Stopping the nodes is what matters.
      }
    }
    for (NodeProcess n : nodes) {
      n.close();
    }
  }

  private NodeProcess node(int i) {
    return nodes.get(i - 1);
  }

  private static String uri(NodeProcess n) {
    return "tcp://127.0.0.1:" + n.mqttPort;
  }

  private MqttClient paho(String id, boolean cleanSession, NodeProcess... servers)
      throws Exception {
    MqttClient c = new MqttClient(uri(servers[0]), id, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(cleanSession);
    o.setConnectionTimeout(10);
    if (servers.length > 1) {
      String[] uris = new String[servers.length];
      for (int i = 0; i < servers.length; i++) {
        uris[i] = uri(servers[i]);
      }
      o.setServerURIs(uris);
      o.setAutomaticReconnect(true);
      o.setMaxReconnectDelay(1000);
    }
    clients.add(c);
    c.connect(o);
    return c;
  }

  @Test
  @Order(1)
  void publishOnOneNode_reachesSubscriberOnAnother_atQos012() throws Exception {
    Set<String> got = ConcurrentHashMap.newKeySet();
    AtomicInteger count = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    MqttClient sub = paho("sub-on-2", true, node(2));
    sub.subscribe(
        "cross/#",
        2,
        (topic, m) -> {
          got.add(
              topic + "=" + new String(m.getPayload(), StandardCharsets.UTF_8) + "@" + m.getQos());
          count.incrementAndGet();
          three.countDown();
        });
    // SUBACK came after node 2's filter was replicated: node 1 routes it now.
    for (int q = 0; q <= 2; q++) {
      MosquittoClients.Result r =
          MosquittoClients.publishLocal(
              WAIT, node(1).mqttPort, "-t", "cross/q" + q, "-m", "m" + q, "-q", q);
      assertThat(r.exitCode()).as(r.toString()).isZero();
    }
    assertThat(three.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("received %s", got).isTrue();
    assertThat(got).containsExactlyInAnyOrder("cross/q0=m0@0", "cross/q1=m1@1", "cross/q2=m2@2");
    Thread.sleep(500);
    assertThat(count.get()).as("no duplicate (QoS 2 exactly once)").isEqualTo(3);
  }

  @Test
  @Order(2)
  void orderPerPublisher_holdsAcrossNodes() throws Exception {
    int n = 200;
    List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch all = new CountDownLatch(n);
    MqttClient sub = paho("order-sub-on-3", true, node(3));
    sub.subscribe(
        "order/t",
        1,
        (t, m) -> {
          seen.add(Integer.parseInt(new String(m.getPayload(), StandardCharsets.UTF_8)));
          all.countDown();
        });
    MqttClient pub = paho("order-pub-on-1", true, node(1));
    for (int i = 0; i < n; i++) {
      pub.publish("order/t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), i % 2, false);
    }
    assertThat(all.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("got %d", seen.size()).isTrue();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(i);
    }
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  @Order(3)
  void retainedOnOneNode_isReadOnAnother() throws Exception {
    MosquittoClients.Result set =
        MosquittoClients.publishLocal(
            WAIT, node(1).mqttPort, "-t", "ret/device-7", "-m", "on", "-r", "-q", 1);
    assertThat(set.exitCode()).as(set.toString()).isZero();
    // The replicated cache carries it to node 3 asynchronously: ask again until it is there.
    String out = "";
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!out.contains("ret/device-7 on") && System.nanoTime() < deadline) {
      out =
          MosquittoClients.run(
                  Duration.ofSeconds(3),
                  "mosquitto_sub",
                  "-h",
                  "127.0.0.1",
                  "-p",
                  node(3).mqttPort,
                  "-t",
                  "ret/#",
                  "-v",
                  "-C",
                  1,
                  "-W",
                  2)
              .stdout();
    }
    assertThat(out).contains("ret/device-7 on");
  }

  @Test
  @Order(4)
  void sameClientIdOnAnotherNode_takesTheSessionOver() throws Exception {
    CountDownLatch lost = new CountDownLatch(1);
    MqttClient first = paho("device-42", false, node(1));
    first.setCallback(
        new MqttCallbackExtended() {
          @Override
          public void connectionLost(Throwable cause) {
            lost.countDown();
          }

          @Override
          public void messageArrived(String topic, MqttMessage message) {}

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverURI) {}
        });
    MqttClient second = paho("device-42", false, node(2));
    assertThat(lost.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("node 1 closed the first connection")
        .isTrue();
    assertThat(second.isConnected()).isTrue();
    node(1).awaitLog("Cluster: client device-42 taken over by node-2", WAIT);
    second.disconnect();
  }

  @Test
  @Order(5)
  void nodeWithCertificateOfAnotherCa_isRefusedAndLogged() throws Exception {
    TestCerts.Held otherCa = TestCerts.rootCa("rogue CA");
    TestCerts.Held rogue =
        TestCerts.leaf(otherCa, "rogue-node", List.of(), List.of(), null, TestCerts.valid());
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", ca.cert());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    // Presented whatever the node asks for, as a misconfigured node of ours would.
    ctx.init(
        new javax.net.ssl.KeyManager[] {
          dev.mqttls.tls.client.AlwaysPresentKeyManager.inBothRoles(
              rogue.keys().getPrivate(), new X509Certificate[] {rogue.cert()})
        },
        tmf.getTrustManagers(),
        null);
    boolean handshakeFailed = false;
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node(2).clusterPort), 5_000);
      s.setSoTimeout(5_000);
      s.startHandshake();
      // TLS 1.3: the server's verdict on our certificate (an alert) arrives with the first read.
      s.getInputStream().read();
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      // An alert, or (when the node closes before the alert is read) a broken pipe or reset;
      // the node's log line below says which certificate it refused and why.
      handshakeFailed = true;
    }
    assertThat(handshakeFailed).as("the node refused the rogue certificate").isTrue();
    node(2).awaitLog("refused node connection", WAIT);
    assertThat(node(2).read()).contains("CN=rogue-node").contains("not issued by cluster_cafile");
  }

  @Test
  @Order(6)
  void killNine_losesNoAcknowledgedQos1_thenMinorityRefusesAndMergesOnHeal() throws Exception {
    int total = 400;
    Set<String> atSub2 = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    MqttClient sub2 = paho("load-sub-on-2", true, node(2));
    sub2.subscribe(
        "load/#",
        1,
        (t, m) -> {
          if (!atSub2.add(new String(m.getPayload(), StandardCharsets.UTF_8))) {
            duplicates.incrementAndGet();
          }
        });
    // A subscriber on node 3, which dies: it fails over to node 1 by itself.
    AtomicLong reconnectedAt = new AtomicLong();
    MqttClient sub3 = paho("load-sub-on-3", true, node(3), node(1));
    sub3.setCallback(
        new MqttCallbackExtended() {
          @Override
          public void connectComplete(boolean reconnect, String serverURI) {
            if (reconnect) {
              reconnectedAt.compareAndSet(0, System.nanoTime());
            }
          }

          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void messageArrived(String topic, MqttMessage message) {}

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    sub3.subscribe("load/#", 1);
    MqttClient pub = paho("load-pub-on-1", true, node(1));
    pub.setTimeToWait(15_000);
    List<String> acked = new ArrayList<>();
    int refused = 0;
    long killedAt = 0;
    for (int i = 0; i < total; i++) {
      if (i == total / 4) {
        node(3).kill9();
        killedAt = System.nanoTime();
      }
      String payload = "m" + i;
      try {
        // Synchronous: returns when the PUBACK came.
        pub.publish("load/x", payload.getBytes(StandardCharsets.UTF_8), 1, false);
        acked.add(payload);
      } catch (Exception e) {
        refused++;
      }
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!atSub2.containsAll(acked) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    List<String> lost = new ArrayList<>(acked);
    lost.removeAll(atSub2);
    System.out.printf(
        "cluster kill -9: published %d, acknowledged %d, refused %d, delivered on node 2 %d,"
            + " lost %d, duplicates %d; node 3's subscriber publishing again via node 1 after %d"
            + " ms%n",
        total,
        acked.size(),
        refused,
        atSub2.size(),
        lost.size(),
        duplicates.get(),
        reconnectedAt.get() == 0 ? -1 : (reconnectedAt.get() - killedAt) / 1_000_000);
    assertThat(lost).as("acknowledged but lost").isEmpty();
    assertThat(acked).hasSizeGreaterThan(total / 2);
    node(1).awaitLog("node-3 left or was suspected and removed", WAIT);

    // Node 2 freezes: node 1 alone is a minority and refuses CONNECT with Server unavailable.
    int mark = node(1).mark();
    node(2).signal("STOP");
    node(1).awaitLogSince(mark, "fewer than a majority (2): refusing connections", WAIT);
    MosquittoClients.Result refusedV5 =
        MosquittoClients.publishLocal(WAIT, node(1).mqttPort, "-V", "mqttv5", "-t", "p", "-m", "x");
    assertThat(refusedV5.exitCode()).isNotZero();
    assertThat(refusedV5.stdout() + refusedV5.stderr()).containsIgnoringCase("server unavailable");
    node(1).awaitLogSince(mark, "refused: cluster: this node sees 1 of 3 nodes", WAIT);

    mark = node(1).mark();
    node(2).signal("CONT");
    node(1).awaitLogSince(mark, "merged", WAIT);
    MosquittoClients.Result accepted = null;
    deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      accepted = MosquittoClients.publishLocal(WAIT, node(1).mqttPort, "-t", "p", "-m", "x");
      if (accepted.exitCode() == 0) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(accepted.exitCode()).as("after the heal: %s", accepted).isZero();
  }
}
