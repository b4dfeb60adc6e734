package dev.mqttls.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of our broker (a child JVM, killed by PID) at seeded random moments in the middle
 * of QoS 1 and QoS 2 traffic, MQTT 3.1.1 and 5, to persistent subscribers online and offline; after
 * a restart every subscriber resumes its session and drains it. Nothing the broker acknowledged
 * (PUBACK, PUBREC) may be missing; duplicates are counted (QoS 1 allows them). Rounds cycle through
 * persistence_sync none, batch and always. {@code -Ddurability.seed=N -Ddurability.rounds=N}.
 */
class KillNineTest {
  private static final String[] SYNC = {"none", "batch", "always"};
  private static final int PER_PUBLISHER = 3000;

  @TempDir Path dir;
  private ChildBroker broker;

  @AfterEach
  void stop() throws InterruptedException {
    if (broker != null) {
      broker.close();
    }
  }

  /** One combination's totals over all rounds. */
  private static final class Tally {
    long acknowledged;
    long delivered;
    long lost;
    long duplicated;
    final List<String> lostExamples = new ArrayList<>();
  }

  private record Combo(int qos, MqttVersion version, boolean online) {
    String name() {
      return "qos"
          + qos
          + "-"
          + (version == MqttVersion.V5 ? "v5" : "v311")
          + "-"
          + (online ? "online" : "offline");
    }
  }

  @Test
  void killNine_atSeededMoments_losesNothingAcknowledged() throws Exception {
    long seed = Long.getLong("durability.seed", 20261207L);
    int rounds = Integer.getInteger("durability.rounds", 5);
    Random random = new Random(seed);
    int port = ChildBroker.freePort();
    Path log = dir.resolve("broker.log");
    List<Combo> combos = new ArrayList<>();
    for (int qos = 1; qos <= 2; qos++) {
      for (MqttVersion v : List.of(MqttVersion.V3_1_1, MqttVersion.V5)) {
        combos.add(new Combo(qos, v, true));
        combos.add(new Combo(qos, v, false));
      }
    }
    Map<Combo, Tally> tallies = new LinkedHashMap<>();
    combos.forEach(c -> tallies.put(c, new Tally()));
    ExecutorService pool = Executors.newCachedThreadPool();
    long started = System.nanoTime();
    try {
      Path conf = dir.resolve("mqttls.conf");
      writeConf(conf, port, SYNC[0]);
      broker = ChildBroker.start(conf, log);
      for (int round = 0; round < rounds; round++) {
        // The broker of this round was started with this mode (the previous round's restart).
        String sync = SYNC[round % SYNC.length];
        Map<Combo, Subscriber> subs = new LinkedHashMap<>();
        List<Future<?>> online = new ArrayList<>();
        for (Combo c : combos) {
          Subscriber s = new Subscriber("r" + round + "-sub-" + c.name(), c.version());
          subs.put(c, s);
          WireClient w = s.connect(port);
          w.subscribe(topic(round, c), c.qos());
          if (c.online()) {
            online.add(
                pool.submit(
                    () -> {
                      try (w) {
                        s.consume(w, Duration.ofSeconds(30), Duration.ofSeconds(30));
                      }
                      return null;
                    }));
          } else {
            w.send(
                c.version() == MqttVersion.V5
                    ? new Disconnect(dev.mqttls.codec.ReasonCode.NORMAL_DISCONNECTION)
                    : new Disconnect());
            w.close();
          }
        }
        Map<Combo, Publisher> pubs = new LinkedHashMap<>();
        List<Future<?>> publishing = new ArrayList<>();
        for (Combo c : combos) {
          Publisher p =
              new Publisher(
                  port,
                  c.version(),
                  "r" + round + "-pub-" + c.name(),
                  topic(round, c),
                  "r" + round + ":",
                  c.qos(),
                  PER_PUBLISHER);
          pubs.put(c, p);
          publishing.add(pool.submit(p));
        }
        // Measured from the first acknowledgement: connecting takes long on a loaded machine.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pubs.values().stream().allMatch(p -> p.acknowledged.isEmpty())
            && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        long killAfter = 50 + random.nextInt(500);
        Thread.sleep(killAfter);
        broker.kill();
        for (Future<?> f : publishing) {
          f.get(30, TimeUnit.SECONDS);
        }
        for (Future<?> f : online) {
          f.get(30, TimeUnit.SECONDS);
        }
        // The restarted broker serves this round's drain and the next round's traffic.
        writeConf(conf, port, SYNC[(round + 1) % SYNC.length]);
        broker = ChildBroker.start(conf, log);
        List<Future<?>> drains = new ArrayList<>();
        for (Subscriber s : subs.values()) {
          drains.add(
              pool.submit(
                  () -> {
                    try (WireClient w = s.connect(port)) {
                      s.consume(w, Duration.ofMillis(1000), Duration.ofSeconds(20));
                    }
                    return null;
                  }));
        }
        for (Future<?> f : drains) {
          f.get(60, TimeUnit.SECONDS);
        }
        long acked = 0;
        for (Combo c : combos) {
          Tally t = tallies.get(c);
          Subscriber s = subs.get(c);
          Set<String> ack = pubs.get(c).acknowledged;
          Set<String> missing = new HashSet<>(ack);
          missing.removeAll(s.unique);
          acked += ack.size();
          t.acknowledged += ack.size();
          t.delivered += s.unique.size();
          t.duplicated += s.deliveries - s.unique.size();
          t.lost += missing.size();
          missing.stream().sorted().limit(3).forEach(t.lostExamples::add);
        }
        System.out.printf(
            Locale.ROOT,
            "round %d: persistence_sync %s, kill -9 after %d ms, %d acknowledged in all%n",
            round,
            sync,
            killAfter,
            acked);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(
        Locale.ROOT,
        "kill -9 x %d rounds (seed %d) in %d s:%n%-20s %12s %10s %6s %11s%n",
        rounds,
        seed,
        (System.nanoTime() - started) / 1_000_000_000L,
        "combination",
        "acknowledged",
        "delivered",
        "lost",
        "duplicated");
    for (Map.Entry<Combo, Tally> e : tallies.entrySet()) {
      Tally t = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "%-20s %12d %10d %6d %11d%n",
          e.getKey().name(),
          t.acknowledged,
          t.delivered,
          t.lost,
          t.duplicated);
    }
    long total = tallies.values().stream().mapToLong(t -> t.acknowledged).sum();
    assertThat(total).as("messages acknowledged before the kills").isPositive();
    for (Map.Entry<Combo, Tally> e : tallies.entrySet()) {
      assertThat(e.getValue().lost)
          .as("acknowledged but lost, %s, e.g. %s", e.getKey().name(), e.getValue().lostExamples)
          .isZero();
    }
  }

  private void writeConf(Path conf, int port, String sync) throws java.io.IOException {
    Files.writeString(
        conf,
        "listener "
            + port
            + " 127.0.0.1\npersistence true\npersistence_location "
            + dir.resolve("data")
            + "\npersistence_sync "
            + sync
            + "\nmax_queued_messages 100000\n",
        StandardCharsets.UTF_8);
  }

  private static String topic(int round, Combo c) {
    return "durability/r" + round + "/" + c.name();
  }
}
