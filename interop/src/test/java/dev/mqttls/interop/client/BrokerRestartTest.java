package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our broker with {@code persistence true} in a separate JVM, killed with SIGKILL and started again
 * on the same port and store: our client's persistent session comes back and no QoS 1 message that
 * the broker acknowledged to its publisher is lost.
 */
class BrokerRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int N = 20;
  private static final String READY = "mqttls test broker ready";
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(true, Duration.ofMillis(50), Duration.ofMillis(400), 2.0, 0.2);

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final List<MqttClient> clients = new ArrayList<>();

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (MqttClient c : clients) {
      c.close();
    }
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The child JVM's entry point: a broker from the configuration file, until killed. */
  public static final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) throws Exception {
      Broker broker = Broker.start(BrokerConfig.parse(Path.of(args[0])));
      // The parent waits for this line rather than probing the port: a probe of a port that
      // nothing listens on yet can connect to itself (TCP simultaneous open) and take the port.
      System.out.println(READY);
      System.out.flush();
      // Ends with the test JVM even if that one is killed: its end closes our standard input.
      InputStream in = System.in;
      while (in.read() >= 0) {
        // keep reading until end of stream
      }
      broker.close();
      System.exit(0);
    }
  }

  private Process startBroker(int port) throws Exception {
    Path conf = dir.resolve("mqttls.conf");
    Files.writeString(
        conf,
        "listener " + port + " 127.0.0.1\npersistence true\npersistence_location data\n",
        StandardCharsets.UTF_8);
    Path log = dir.resolve("broker-" + processes.size() + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                BrokerMain.class.getName(),
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    processes.add(p);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (p.isAlive() && !read(log).contains(READY) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(p.isAlive() && read(log).contains(READY))
        .as("broker listening on %d; its log:%n%s", port, read(log))
        .isTrue();
    return p;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("broker process ended").isTrue();
  }

  private MqttClient client(MqttClientConfig.Builder b) {
    MqttClient c = MqttClient.create(b.build());
    clients.add(c);
    return c;
  }

  private static MqttClientConfig.Builder subscriber(int port) {
    return MqttClientConfig.builder("127.0.0.1")
        .port(port)
        .clientId("restart-sub")
        .cleanStart(false)
        .sessionExpirySeconds(3600);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Await.until(what, WAIT, condition);
  }

  private void publishAll(int port, int from, int to) {
    MqttClient pub = client(MqttClientConfig.builder("127.0.0.1").port(port));
    pub.blocking().connect();
    for (int i = from; i < to; i++) {
      PublishResult r =
          pub.blocking()
              .publish(Message.builder("fleet/d1").payload("m" + i).qos(Qos.AT_LEAST_ONCE).build());
      assertThat(r.reasonCode().isError()).as("PUBACK of m" + i).isFalse();
    }
    pub.blocking().disconnect();
  }

  private static List<String> expected(int n) {
    List<String> e = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      e.add("m" + i);
    }
    return e;
  }

  @Test
  void offlineSubscriber_getsEveryAcknowledgedMessage_afterTheBrokerIsKilledAndRestarted()
      throws Exception {
    int port = Ports.freePort();
    Process broker = startBroker(port);

    MqttClient first = client(subscriber(port));
    first.blocking().connect();
    first.blocking().subscribe(Subscription.of("fleet/#", Qos.AT_LEAST_ONCE), m -> {});
    first.blocking().disconnect();

    publishAll(port, 0, N);
    kill(broker);
    startBroker(port);

    List<String> received = new CopyOnWriteArrayList<>();
    MqttClient again = client(subscriber(port));
    // The resumed session delivers right after CONNACK, before any subscribe() of this instance.
    again.onUnmatchedMessage(m -> received.add(m.payloadAsString()));
    ConnectResult r = again.blocking().connect();
    assertThat(r.sessionPresent()).as("session present after the restart").isTrue();
    await("all " + N + " messages", () -> new LinkedHashSet<>(received).size() >= N);
    assertThat(new LinkedHashSet<>(received)).containsExactlyElementsOf(expected(N));
  }

  @Test
  void killedInTheMiddleOfTraffic_everyMessageThePublisherSawAcknowledged_arrives()
      throws Exception {
    int port = Ports.freePort();
    Process broker = startBroker(port);
    List<String> received = new CopyOnWriteArrayList<>();
    MqttClient sub = client(subscriber(port).reconnect(FAST));
    sub.onUnmatchedMessage(m -> received.add(m.payloadAsString()));
    sub.blocking().connect();
    sub.blocking()
        .subscribe(
            Subscription.of("fleet/#", Qos.AT_LEAST_ONCE), m -> received.add(m.payloadAsString()));

    // Pipelined, so that the kill lands while messages are on their way in and out.
    int total = 500;
    MqttClient pub = client(MqttClientConfig.builder("127.0.0.1").port(port));
    pub.blocking().connect();
    List<CompletableFuture<PublishResult>> results = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      results.add(
          pub.publish(Message.builder("fleet/d1").payload("m" + i).qos(Qos.AT_LEAST_ONCE).build()));
    }
    int killAfter = 100;
    results.get(killAfter - 1).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    kill(broker);

    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      try {
        PublishResult r = results.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (!r.reasonCode().isError()) {
          acknowledged.add("m" + i);
        }
      } catch (ExecutionException | TimeoutException e) {
        // not acknowledged before the kill: the broker promised nothing for it
      }
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(killAfter);
    int beforeRestart = new LinkedHashSet<>(received).size();

    startBroker(port);
    await("the subscriber reconnecting by itself", () -> sub.state() == ConnectionState.CONNECTED);
    await(
        "every acknowledged message",
        () -> new LinkedHashSet<>(received).containsAll(acknowledged));
    assertThat(new LinkedHashSet<>(received))
        .as(
            "%d acknowledged, %d of them received before the restart",
            acknowledged.size(), beforeRestart)
        .containsAll(acknowledged);
  }

  @Test
  void connectedSubscriber_reconnectsByItself_andLosesNothing_whenTheBrokerIsKilled()
      throws Exception {
    int port = Ports.freePort();
    Process broker = startBroker(port);

    List<String> received = new CopyOnWriteArrayList<>();
    MqttClient sub = client(subscriber(port).reconnect(FAST));
    sub.onUnmatchedMessage(m -> received.add(m.payloadAsString()));
    sub.blocking().connect();
    sub.blocking()
        .subscribe(
            Subscription.of("fleet/#", Qos.AT_LEAST_ONCE), m -> received.add(m.payloadAsString()));

    // Killed right after the last PUBACK: some of these are still on their way to the subscriber,
    // or delivered but not yet acknowledged by it; the restarted broker must send those again.
    publishAll(port, 0, N);
    kill(broker);
    int beforeKill = new LinkedHashSet<>(received).size();
    await("the subscriber noticing", () -> sub.state() != ConnectionState.CONNECTED);

    startBroker(port);
    await("the subscriber reconnecting by itself", () -> sub.state() == ConnectionState.CONNECTED);
    assertThat(sub.status().connect())
        .hasValueSatisfying(c -> assertThat(c.sessionPresent()).isTrue());

    publishAll(port, N, 2 * N);
    await("all " + 2 * N + " messages", () -> new LinkedHashSet<>(received).size() >= 2 * N);
    assertThat(new LinkedHashSet<>(received))
        .as("%d of the first %d had arrived when the broker was killed", beforeKill, N)
        .containsExactlyInAnyOrderElementsOf(expected(2 * N));
  }
}
