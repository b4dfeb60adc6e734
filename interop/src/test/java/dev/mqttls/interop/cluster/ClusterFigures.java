package dev.mqttls.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicInteger;
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
 * figure.
 */
@EnabledIfSystemProperty(named = "cluster.figures", matches = "true")
class ClusterFigures {
  private static final Duration START = Duration.ofSeconds(180);
  private static final int KILLS = 10;

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
      for (int qos = 0; qos <= 1; qos++) {
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

  /** Kills node 3 at a random moment of QoS 1 publishing, {@link #KILLS} times. */
  private static void kills(List<NodeProcess> nodes) throws Exception {
    Random random = new Random(17);
    int totalAcked = 0;
    int totalLost = 0;
    List<Long> failovers = new ArrayList<>();
    for (int k = 0; k < KILLS; k++) {
      NodeProcess n3 = nodes.get(2);
      if (k > 0) {
        n3.start();
        n3.awaitReady(START);
        // A restarted node may first form a cluster of its own and merge: either way, three.
        nodes.get(0).awaitLog("3 of 3 node(s) up", Duration.ofSeconds(60));
      }
      Set<String> got = ConcurrentHashMap.newKeySet();
      MqttClient sub = paho("kill-sub-" + k, nodes.get(1));
      sub.subscribe(
          "kill/#", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
      MqttClient onNode3 = paho("kill-sub3-" + k, n3);
      onNode3.subscribe("kill/#", 1);
      MqttClient pub = paho("kill-pub-" + k, nodes.get(0));
      pub.setTimeToWait(15_000);
      int killAt = 50 + random.nextInt(200);
      List<String> acked = new ArrayList<>();
      long killedAt = 0;
      long firstAckAfterKill = 0;
      for (int i = 0; i < 300; i++) {
        if (i == killAt) {
          n3.kill9();
          killedAt = System.nanoTime();
        }
        String p = k + "-" + i;
        try {
          pub.publish("kill/x", p.getBytes(StandardCharsets.UTF_8), 1, false);
          acked.add(p);
          if (killedAt != 0 && firstAckAfterKill == 0) {
            firstAckAfterKill = System.nanoTime();
          }
        } catch (Exception e) {
          // Not acknowledged: the client would send it again.
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!got.containsAll(acked) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      List<String> lost = new ArrayList<>(acked);
      lost.removeAll(got);
      totalAcked += acked.size();
      totalLost += lost.size();
      failovers.add((firstAckAfterKill - killedAt) / 1_000_000);
      System.out.printf(
          "cluster figure: kill %d at message %d: acknowledged %d, lost %d; first PUBACK after"
              + " the kill %d ms%n",
          k + 1, killAt, acked.size(), lost.size(), (firstAckAfterKill - killedAt) / 1_000_000);
      pub.disconnect();
      pub.close();
      sub.disconnect();
      sub.close();
      onNode3.close(true);
      Files.writeString(n3.log, "", StandardCharsets.UTF_8);
      Files.writeString(nodes.get(0).log, "", StandardCharsets.UTF_8);
    }
    System.out.printf(
        "cluster figure: %d kills: acknowledged %d, acknowledged-but-lost %d; first PUBACK after"
            + " kill, ms: %s%n",
        KILLS, totalAcked, totalLost, failovers);
    assertThat(totalLost).isZero();
  }
}
