package dev.mqttls.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a 2 MiB tmpfs that the test mounts (skipped, with the reason printed, where mount is
 * not permitted) and fills: the broker refuses what it cannot store (MQTT 5: PUBACK 0x80 whose
 * reason string names no path; 3.1.1: the connection closes, no PUBACK), logs the episode once,
 * takes writes again by itself once space returns, and after {@code kill -9} and a restart every
 * acknowledged message reaches the offline persistent subscriber.
 */
class DiskFullTest {
  private static final String PADDING = "x".repeat(200);

  @TempDir Path dir;
  private Path mount;
  private boolean mounted;
  private ChildBroker broker;

  @AfterEach
  void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (mounted) {
      run("umount", mount.toString());
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timed out";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
  }

  /** Publishes one QoS 1 message and waits for its answer: the PUBACK, or null when closed. */
  private static Puback publishOne(WireClient c, String payload, int id) throws IOException {
    c.publish("full/t", payload, 1, id);
    MqttPacket p = c.poll(Duration.ofSeconds(10));
    if (p instanceof Puback a) {
      return a;
    }
    if (p == null) {
      throw new IOException("no answer within 10 s to PUBLISH " + id);
    }
    return null;
  }

  @Test
  void fullDisk_refusesInsteadOfAcknowledging_andResumesByItself_losingNothing() throws Exception {
    mount = dir.resolve("store");
    Files.createDirectories(mount);
    String failure = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
    if (failure != null) {
      System.out.println("DiskFullTest skipped: cannot mount a tmpfs: " + failure);
      Assumptions.abort("cannot mount a tmpfs: " + failure);
    }
    mounted = true;
    int port = ChildBroker.freePort();
    Path conf = dir.resolve("mqttls.conf");
    Path log = dir.resolve("broker.log");
    Files.writeString(
        conf,
        "listener "
            + port
            + " 127.0.0.1\npersistence true\npersistence_location "
            + mount
            + "\nmax_queued_messages 100000\n",
        StandardCharsets.UTF_8);
    broker = ChildBroker.start(conf, log);
    Subscriber sub = new Subscriber("full-sub", MqttVersion.V5);
    try (WireClient s = sub.connect(port)) {
      s.subscribe("full/t", 1);
      s.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION));
    }

    // A retained message stored while there is space: it must stay the retained one.
    try (WireClient r = WireClient.connect(port, MqttVersion.V5, "full-retain", false)) {
      r.publish("full/retained", "before", 1, true, 1);
      assertThat(r.poll(Duration.ofSeconds(10))).isInstanceOf(Puback.class);
    }

    WireClient held = WireClient.connect(port, MqttVersion.V5, "full-held", true);

    // Fill the file system to the last block.
    Path filler = mount.resolve("filler");
    byte[] chunk = new byte[16 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 256; i++) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException e) {
      // full
    }

    Set<String> acknowledged = new LinkedHashSet<>();
    int refused = 0;
    String reasonString = null;
    try (WireClient pub = WireClient.connect(port, MqttVersion.V5, "full-pub-v5", false)) {
      for (int i = 0; i < 5000 && refused < 20; i++) {
        String payload = "a" + i + PADDING;
        Puback a = publishOne(pub, payload, i % 65535 + 1);
        assertThat(a).as("MQTT 5 publisher answered, not closed").isNotNull();
        if (a.reasonCode().isError()) {
          assertThat(a.reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
          reasonString = a.properties().reasonString();
          refused++;
        } else {
          acknowledged.add(payload);
        }
      }
    }
    assertThat(refused).as("refusals on a full disk").isPositive();

    // A retained QoS 1 PUBLISH the store refuses does not replace the retained message meanwhile:
    // its publisher was told it failed and will send it again.
    try (WireClient r = WireClient.connect(port, MqttVersion.V5, "full-retain", false)) {
      r.publish("full/retained", "during", 1, true, 2);
      MqttPacket answer = r.poll(Duration.ofSeconds(10));
      assertThat(answer).isInstanceOf(Puback.class);
      assertThat(((Puback) answer).reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
      r.subscribe("full/retained", 0);
      MqttPacket kept = r.poll(Duration.ofSeconds(10));
      assertThat(kept).isInstanceOf(dev.mqttls.codec.Publish.class);
      assertThat(WireClient.text((dev.mqttls.codec.Publish) kept)).isEqualTo("before");
    }
    assertThat(reasonString).isNotNull().doesNotContain("/").doesNotContain(mount.toString());

    // 3.1.1 has no refusal: the connection closes without a PUBACK.
    try (WireClient old = WireClient.connect(port, MqttVersion.V3_1_1, "full-pub-311", false)) {
      Puback a = publishOne(old, "old" + PADDING, 1);
      assertThat(a).as("3.1.1 publisher: closed, no PUBACK, while the store fails").isNull();
    }
    // A session the store cannot keep is not promised: CONNECT refused as Server unavailable
    // (v5 0x88, 3.1.1 return code 3); a clean session is still served.
    assertThat(WireClient.connackOf(port, MqttVersion.V5, "full-new-v5", true))
        .isInstanceOfSatisfying(
            Connack.class,
            a -> assertThat(a.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE));
    assertThat(WireClient.connackOf(port, MqttVersion.V3_1_1, "full-new-311", true))
        .isInstanceOfSatisfying(
            Connack.class,
            a -> assertThat(a.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE));
    assertThat(WireClient.connackOf(port, MqttVersion.V5, "full-clean", false))
        .isInstanceOfSatisfying(Connack.class, a -> assertThat(a.reasonCode().isError()).isFalse());
    // A SUBSCRIBE the store cannot keep for a persistent session connected before the disk
    // filled: 0x80 for the filter, and it is not in force (a message to it is not delivered).
    held.send(
        new Subscribe(
            7,
            List.of(new Subscription(TopicFilter.of("full/held"), Qos.AT_LEAST_ONCE)),
            MqttProperties.EMPTY));
    assertThat(held.poll(Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(
            Suback.class,
            a -> assertThat(a.reasonCodes()).containsExactly(ReasonCode.UNSPECIFIED_ERROR));
    try (WireClient p = WireClient.connect(port, MqttVersion.V5, "full-p0", false)) {
      p.publish("full/held", "not for held", 0, 0);
      p.subscribe("full/sync", 0);
    }
    assertThat(held.poll(Duration.ofMillis(500))).as("undone subscription delivers").isNull();
    held.close();
    assertThat(ChildBroker.count(broker.log(), "cannot write"))
        .as("one error line for the episode; log:%n%s", broker.log())
        .isEqualTo(1);

    // Space returns: writes resume without a restart.
    Files.delete(filler);
    boolean resumed = false;
    int afterRefused = 0;
    try (WireClient pub = WireClient.connect(port, MqttVersion.V5, "full-pub-v5b", false)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      for (int i = 0; System.nanoTime() < deadline && acknowledged.size() < 10_000; i++) {
        String payload = "b" + i + PADDING;
        Puback a = publishOne(pub, payload, i % 65535 + 1);
        assertThat(a).isNotNull();
        if (a.reasonCode().isError()) {
          afterRefused++;
          Thread.sleep(100);
        } else {
          acknowledged.add(payload);
          if (!resumed) {
            resumed = true;
            deadline = System.nanoTime(); // then 50 more
            for (int k = 0; k < 50; k++) {
              String more = "c" + k + PADDING;
              Puback b = publishOne(pub, more, (i + k + 1) % 65535 + 1);
              assertThat(b.reasonCode().isError()).as("after resuming: " + b).isFalse();
              acknowledged.add(more);
            }
          }
        }
      }
    }
    assertThat(resumed).as("writes resumed once space returned; log:%n%s", broker.log()).isTrue();
    assertThat(ChildBroker.count(broker.log(), "writes resumed")).isEqualTo(1);

    broker.kill();
    broker = ChildBroker.start(conf, log);
    try (WireClient s = sub.connect(port)) {
      sub.consume(s, Duration.ofMillis(1500), Duration.ofSeconds(30));
    }
    Set<String> lost = new HashSet<>(acknowledged);
    lost.removeAll(sub.unique);
    System.out.printf(
        Locale.ROOT,
        "disk full (2 MiB tmpfs): %d acknowledged, %d refused while full, %d refused after space"
            + " returned, %d delivered after kill -9 and restart, %d lost, %d duplicated%n",
        acknowledged.size(),
        refused,
        afterRefused,
        sub.unique.size(),
        lost.size(),
        sub.deliveries - sub.unique.size());
    broker
        .log()
        .lines()
        .filter(l -> l.contains("Persistence store") || l.contains("Restored"))
        .forEach(l -> System.out.println("  broker: " + l));
    assertThat(lost).as("acknowledged, then lost").isEmpty();
  }
}
