package dev.mqttls.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.codec.Qos;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures of docs/cluster.md, measured on three node JVMs with mutual TLS between them. Not
 * part of the suite (it takes minutes): {@code mvn -pl interop -am -Dtest=ClusterFigures
 * -Dcluster.figures=true -Dsurefire.failIfNoSpecifiedTests=false verify}; it prints one line per
 * figure ({@code -Dcluster.figures.kills=N} for another number of kills, {@code
 * -Dcluster.figures.killsOnly=true} to skip the throughput and latency figures).
 */
@EnabledIfSystemProperty(named = "cluster.figures", matches = "true")
class ClusterFigures {
  private static final Duration START = Duration.ofSeconds(180);
  private static final int KILLS = Integer.getInteger("cluster.figures.kills", 10);

  @TempDir Path dir;

  @Test
  void figures() throws Exception {
    List<NodeProcess> nodes = ClusterFixture.nodes(dir, 3);
    try {
      for (NodeProcess n : nodes) {
        n.start();
      }
      for (NodeProcess n : nodes) {
        n.awaitReady(START);
      }
      System.out.printf("cluster figure: load average before: %s%n", loadAverage());
      for (int qos = 0; qos <= 1 && !Boolean.getBoolean("cluster.figures.killsOnly"); qos++) {
        measure("same node ", nodes.get(0), nodes.get(0), qos);
        measure("cross node", nodes.get(0), nodes.get(1), qos);
      }
      kills(nodes);
    } finally {
      for (NodeProcess n : nodes) {
        n.close();
      }
    }
  }

  private static MqttClient paho(String id, NodeProcess n) throws Exception {
    MqttClient c = new MqttClient("tcp://127.0.0.1:" + n.mqttPort, id, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMaxInflight(1000);
    c.connect(o);
    return c;
  }

  /** Closed loop for 5 s (throughput), then 500 msg/s for 5 s (latency p50/p99). */
  private static void measure(String label, NodeProcess pubNode, NodeProcess subNode, int qos)
      throws Exception {
    String topic = "fig/" + label.trim().replace(' ', '-') + "/" + qos;
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger received = new AtomicInteger();
    MqttClient sub = paho("fig-sub", subNode);
    sub.subscribe(
        topic,
        qos,
        (t, m) -> {
          received.incrementAndGet();
          long sent = ByteBuffer.wrap(m.getPayload()).getLong();
          if (sent > 0) {
            latencies.add(System.nanoTime() - sent);
          }
        });
    MqttClient pub = paho("fig-pub", pubNode);
    byte[] zero = new byte[64];
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int sent = 0;
    while (System.nanoTime() < end) {
      // QoS 1 publish() waits for the PUBACK: that is the closed loop.
      pub.publish(topic, zero, qos, false);
      sent++;
    }
    long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.get() < sent && System.nanoTime() < drain) {
      Thread.sleep(20);
    }
    double rate = received.get() / 5.0;
    received.set(0);
    long interval = TimeUnit.SECONDS.toNanos(1) / 500;
    long next = System.nanoTime();
    for (int i = 0; i < 2500; i++) {
      while (System.nanoTime() < next) {
        Thread.onSpinWait();
      }
      byte[] p = new byte[64];
      ByteBuffer.wrap(p).putLong(next);
      pub.publish(topic, p, qos, false);
      next += interval;
    }
    drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (latencies.size() < 2500 && System.nanoTime() < drain) {
      Thread.sleep(20);
    }
    long[] l;
    synchronized (latencies) {
      l = latencies.stream().mapToLong(Long::longValue).toArray();
    }
    Arrays.sort(l);
    System.out.printf(
        "cluster figure: %s QoS %d: %.0f msg/s closed loop; at 500 msg/s p50 %.2f ms, p99 %.2f ms"
            + " (%d samples)%n",
        label,
        qos,
        rate,
        l.length == 0 ? -1 : l[l.length / 2] / 1e6,
        l.length == 0 ? -1 : l[(int) (l.length * 0.99)] / 1e6,
        l.length);
    pub.disconnect();
    pub.close();
    sub.disconnect();
    sub.close();
  }

  /**
   * Kills node 3 at a random moment of QoS 1 publishing, {@link #KILLS} times: a Paho publisher on
   * node 1, one of our clients publishing on node 3 with nodes 1 and 2 as failover URIs, a
   * subscriber on node 2 (which must get everything either publisher had acknowledged) and one on
   * node 3 (so node 3 holds forwarded copies when it dies).
   */
  private static void kills(List<NodeProcess> nodes) throws Exception {
    Random random = new Random(17);
    int totalAcked = 0;
    int totalLost = 0;
    List<Long> firstAckOnNode1 = new ArrayList<>();
    List<Long> failovers = new ArrayList<>();
    NodeProcess n3 = nodes.get(2);
    for (int kill = 0; kill < KILLS; kill++) {
      final int k = kill;
      if (k > 0) {
        int mark = nodes.get(0).mark();
        int mark3 = n3.mark();
        n3.start();
        // Its log holds the READY of its earlier runs: only a new one counts.
        n3.awaitLogSince(mark3, ClusterNodeMain.READY, START);
        // A restarted node may first form a cluster of its own and merge: either way, three.
        nodes.get(0).awaitLogSince(mark, "3 of 3 node(s) up", Duration.ofSeconds(60));
      }
      Set<String> got = ConcurrentHashMap.newKeySet();
      MqttClient sub = paho("kill-sub-" + k, nodes.get(1));
      sub.subscribe(
          "kill/#", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
      MqttClient onNode3 = paho("kill-sub3-" + k, n3);
      onNode3.subscribe("kill/#", 1);
      MqttClient pub = paho("kill-pub-" + k, nodes.get(0));
      pub.setTimeToWait(15_000);
      dev.mqttls.client.MqttClient ours =
          dev.mqttls.client.MqttClient.create(
              MqttClientConfig.builder("127.0.0.1")
                  .port(n3.mqttPort)
                  .failoverServer("127.0.0.1", nodes.get(0).mqttPort)
                  .failoverServer("127.0.0.1", nodes.get(1).mqttPort)
                  .clientId("kill-ours-" + k)
                  .reconnect(
                      ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(500)))
                  .build());
      ours.blocking().connect();
      String node3Url = ours.status().brokerUrl();
      Set<String> acked = ConcurrentHashMap.newKeySet();
      AtomicLong killedAt = new AtomicLong();
      AtomicLong firstAckA = new AtomicLong();
      AtomicLong firstAckOurs = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      Thread paho =
          new Thread(
              () -> {
                for (int i = 0; !stop.get() && i < 100_000; i++) {
                  String p = "a-" + k + "-" + i;
                  long sentAt = System.nanoTime();
                  try {
                    pub.publish("kill/a", p.getBytes(StandardCharsets.UTF_8), 1, false);
                    acked.add(p);
                    // Sent after the kill: an acknowledgement for one sent before proves nothing.
                    if (killedAt.get() != 0 && sentAt > killedAt.get()) {
                      firstAckA.compareAndSet(0, System.nanoTime());
                    }
                  } catch (Exception e) {
                    // Not acknowledged: the client would send it again.
                  }
                }
              });
      Thread client =
          new Thread(
              () -> {
                for (int i = 0; !stop.get() && i < 100_000; i++) {
                  String p = "b-" + k + "-" + i;
                  long sentAt = System.nanoTime();
                  try {
                    ours.publish(
                            Message.builder("kill/b").payload(p).qos(Qos.AT_LEAST_ONCE).build())
                        .get(15, TimeUnit.SECONDS);
                    acked.add(p);
                    if (killedAt.get() != 0
                        && sentAt > killedAt.get()
                        && !ours.status().brokerUrl().equals(node3Url)) {
                      firstAckOurs.compareAndSet(0, System.nanoTime());
                    }
                  } catch (Exception e) {
                    // Not acknowledged (connection lost, reconnecting): try the next one at once.
                    try {
                      Thread.sleep(5);
                    } catch (InterruptedException x) {
                      return;
                    }
                  }
                }
              });
      paho.start();
      client.start();
      long killAfter = 500 + random.nextInt(3500);
      Thread.sleep(killAfter);
      killedAt.set(System.nanoTime());
      n3.kill9();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((firstAckA.get() == 0 || firstAckOurs.get() == 0) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      Thread.sleep(1000);
      stop.set(true);
      paho.join(20_000);
      client.join(20_000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!got.containsAll(acked) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      List<String> lost = new ArrayList<>(acked);
      lost.removeAll(got);
      totalAcked += acked.size();
      totalLost += lost.size();
      long a = firstAckA.get() == 0 ? -1 : (firstAckA.get() - killedAt.get()) / 1_000_000;
      long b = firstAckOurs.get() == 0 ? -1 : (firstAckOurs.get() - killedAt.get()) / 1_000_000;
      firstAckOnNode1.add(a);
      failovers.add(b);
      System.out.printf(
          "cluster figure: kill %d, %d ms into the load: acknowledged %d, lost %d%s; first PUBACK"
              + " on node 1 for a publish sent after the kill %d ms; node 3's client (ours) publishing again through"
              + " %s %d ms after the kill%n",
          k + 1,
          killAfter,
          acked.size(),
          lost.size(),
          lost.isEmpty() ? "" : " " + lost.subList(0, Math.min(10, lost.size())),
          a,
          ours.status().brokerUrl(),
          b);
      ours.close();
      pub.disconnect();
      pub.close();
      sub.disconnect();
      sub.close();
      onNode3.close(true);
    }
    System.out.printf(
        "cluster figure: %d kills: acknowledged %d, acknowledged-but-lost %d; first PUBACK on node"
            + " 1 after kill, ms: %s; kill to node 3's client publishing again through another"
            + " node, ms: %s; load average %s%n",
        KILLS, totalAcked, totalLost, firstAckOnNode1, failovers, loadAverage());
    assertThat(totalLost).isZero();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
