package dev.mqttls.bridge.internal;

import dev.mqttls.bridge.BridgeConfig;
import dev.mqttls.bridge.BridgeConfig.StartType;
import dev.mqttls.bridge.BridgeTopic;
import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.OfflineBuffer;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.ServerAddress;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import io.netty.channel.local.LocalAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running bridge: a client of the local broker's in-process endpoint and a client of the remote
 * broker, and the messages between them.
 *
 * <p>Nothing is acknowledged before it is handed on: a local message for an {@code out} topic is
 * acknowledged to the local broker only when the remote broker has acknowledged its copy (PUBACK,
 * or PUBREC for QoS 2), and a remote message for an {@code in} topic only when the local broker has
 * taken its copy. While the remote broker is unreachable, the local broker keeps what the bridge
 * has not acknowledged in the bridge's persistent session (in its store with {@code persistence
 * true}), and the bridge's receive maximum keeps the rest queued there.
 *
 * <p>Connecting and reconnecting run on one scheduler thread; messages on the clients' callback
 * threads.
 */
public final class BridgeLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.bridge");

  /** How many local messages may wait for the remote broker in the bridge at once. */
  static final int WINDOW = 100;

  private static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

  private final BridgeConfig config;
  private final ScheduledExecutorService scheduler;
  private final MqttClient local;
  private volatile MqttClient remote;
  private final RestartDelay delay;
  private final String remoteNames;
  private volatile boolean closed;
  private boolean subscribedRemote;

  /** A link for {@code config} into the broker at {@code localBroker}; {@link #start()} runs it. */
  public BridgeLink(
      BridgeConfig config, LocalAddress localBroker, ScheduledExecutorService scheduler) {
    this.config = config;
    this.scheduler = scheduler;
    this.delay =
        new RestartDelay(
            config.restartBase(), config.restartCap(), ThreadLocalRandom.current()::nextDouble);
    this.remoteNames =
        config.addresses().stream()
            .map(a -> a.url(config.tls().isPresent()))
            .collect(Collectors.joining(", "));
    this.local = MqttClient.create(localConfig(config, localBroker));
    this.remote = MqttClient.create(remoteConfig(config, config.tryPrivate()));
  }

  private static MqttClientConfig localConfig(BridgeConfig c, LocalAddress at) {
    MqttClientConfig.Builder b =
        MqttClientConfig.builder("local")
            .inProcess(at)
            .version(MqttVersion.V5)
            .clientId(c.localClientId())
            .cleanStart(c.localCleanSession())
            .sessionExpirySeconds(c.localCleanSession() ? 0 : NEVER_EXPIRES)
            .receiveMaximum(WINDOW)
            .maxInflight(WINDOW)
            .manualAcknowledgement(true)
            .offlineBuffer(new OfflineBuffer(10 * WINDOW, OfflineBuffer.Overflow.FAIL))
            .reconnect(ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10)));
    c.localUsername().ifPresent(b::username);
    return b.build();
  }

  private static MqttClientConfig remoteConfig(BridgeConfig c, boolean announceBridge) {
    ServerAddress first = c.addresses().get(0);
    MqttClientConfig.Builder b =
        MqttClientConfig.builder(first.host())
            .port(first.port())
            .version(c.version())
            .clientId(c.remoteClientId())
            .cleanStart(c.cleanSession())
            .keepAliveSeconds(c.keepAliveSeconds())
            .maxInflight(WINDOW)
            .manualAcknowledgement(true)
            // what waits for the link is bounded by the local window; the buffer never overflows
            .offlineBuffer(new OfflineBuffer(10 * WINDOW, OfflineBuffer.Overflow.FAIL))
            .reconnect(ReconnectPolicy.OFF)
            // try_private on 3.1/3.1.1: the protocol level says "bridge" (MQTT 5: No Local)
            .bridge(announceBridge && c.version() != MqttVersion.V5);
    for (ServerAddress a : c.addresses().subList(1, c.addresses().size())) {
      b.failoverServer(a.host(), a.port());
    }
    c.tls().ifPresent(b::tls);
    if (c.version() == MqttVersion.V5 && !c.cleanSession()) {
      b.sessionExpirySeconds(NEVER_EXPIRES);
    }
    c.remoteUsername().ifPresent(b::username);
    c.remotePassword().ifPresent(b::password);
    c.bindAddress().ifPresent(b::localAddress);
    if (c.notifications() && !c.notificationsLocalOnly()) {
      // as mosquitto: the remote broker says 0 for the bridge when it loses it
      b.will(notification(c, false));
    }
    return b.build();
  }

  private static Message notification(BridgeConfig c, boolean up) {
    return Message.builder(c.notificationTopic())
        .payload(up ? "1" : "0")
        .qos(Qos.AT_LEAST_ONCE)
        .retain(true)
        .build();
  }

  /** Connects the local side, subscribes to the {@code out} topics and starts the remote link. */
  public void start() {
    local.onUnmatchedMessage(this::fromLocal);
    local.onConnectionLost(
        e -> LOG.warn("bridge {}: in-process link lost: {}", config.name(), e.getMessage()));
    listen(remote);
    local.blocking().connect();
    notifyLocal(false);
    for (BridgeTopic t : config.topics()) {
      if (t.direction().out()) {
        // No Local: what the bridge publishes locally does not come back to it
        local
            .blocking()
            .subscribe(new Subscription(t.localFilter(), t.qos(), true, true, 0), this::fromLocal);
      }
    }
    scheduler.execute(this::connectRemote);
  }

  private void listen(MqttClient c) {
    c.onUnmatchedMessage(this::fromRemote);
    // one thread decides on restarts (RestartDelay is not thread-safe)
    c.onConnectionLost(
        x ->
            onScheduler(
                () -> {
                  if (c == remote) {
                    remoteLost(x);
                  }
                }));
  }

  /** Runs {@code task} on the scheduler, unless the bridges are stopping. */
  private void onScheduler(Runnable task) {
    if (closed) {
      return;
    }
    try {
      scheduler.execute(task);
    } catch (RejectedExecutionException e) {
      // stopping: nothing more to do
    }
  }

  /** One attempt, without blocking the scheduler that other bridges share. */
  private void connectRemote() {
    if (closed) {
      return;
    }
    MqttClient c = remote;
    c.connect().whenComplete((r, e) -> onScheduler(() -> attempted(c, r, e)));
  }

  private void attempted(MqttClient c, ConnectResult r, Throwable e) {
    if (closed || c != remote) {
      return;
    }
    if (e != null) {
      MqttClientException x = cause(e);
      if (x != null
          && c.config().bridge()
          && x.reasonCode().orElse(null) == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
        // as mosquitto: a broker that does not know the bridge bit gets an ordinary client
        LOG.warn(
            "bridge {}: the remote broker refused try_private's bridge announcement; connecting"
                + " as an ordinary client",
            config.name());
        remote = MqttClient.create(remoteConfig(config, false));
        listen(remote);
        // what waited in the old client's buffer fails as closed and is forwarded again
        c.close();
        connectRemote();
        return;
      }
      retry("cannot connect to " + remoteNames + ": " + message(e));
      return;
    }
    delay.reset();
    CompletableFuture<Void> subscribed = CompletableFuture.completedFuture(null);
    if (!subscribedRemote) {
      subscribedRemote = true;
      subscribed = subscribeRemote();
    }
    // the link counts as up once the remote broker has answered the subscriptions
    subscribed.whenComplete((v, x) -> onScheduler(() -> up(c, r)));
  }

  private void up(MqttClient c, ConnectResult r) {
    if (closed || c != remote) {
      return;
    }
    LOG.info(
        "bridge {}: connected to {} as {} (session present: {})",
        config.name(),
        c.status().brokerUrl(),
        config.remoteClientId(),
        r.sessionPresent());
    notifyLocal(true);
    if (config.notifications() && !config.notificationsLocalOnly()) {
      c.publish(notification(config, true));
    }
  }

  private CompletableFuture<Void> subscribeRemote() {
    boolean v5 = config.version() == MqttVersion.V5;
    List<CompletableFuture<?>> answers = new ArrayList<>();
    for (BridgeTopic t : config.topics()) {
      if (t.direction().in()) {
        Subscription s =
            new Subscription(t.remoteFilter(), t.qos(), v5 && config.tryPrivate(), v5, 0);
        answers.add(
            remote
                .subscribe(s, this::fromRemote)
                .exceptionally(
                    e -> {
                      LOG.warn(
                          "bridge {}: the remote broker refused the subscription to {}: {}",
                          config.name(),
                          t.remoteFilter(),
                          message(e));
                      return null;
                    }));
      } else if (config.attemptUnsubscribe() && !config.cleanSession()) {
        // as mosquitto: a topic now only 'out' may have been 'in' in the remote session
        answers.add(remote.unsubscribe(t.remoteFilter()).exceptionally(e -> null));
      }
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
  }

  private void remoteLost(MqttClientException cause) {
    notifyLocal(false);
    retry("connection to " + remoteNames + " lost: " + cause.getMessage());
  }

  private void retry(String what) {
    if (closed) {
      return;
    }
    if (config.startType() == StartType.ONCE) {
      LOG.warn("bridge {}: {}; start_type once: not restarting", config.name(), what);
      return;
    }
    Duration d = delay.next();
    LOG.warn("bridge {}: {}; retry in {} s", config.name(), what, seconds(d));
    try {
      scheduler.schedule(this::connectRemote, d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // stopping
    }
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0
        ? Long.toString(ms / 1000)
        : String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0);
  }

  private void notifyLocal(boolean up) {
    if (config.notifications()) {
      local.publish(notification(config, up));
    }
  }

  /** A message from the local broker on an {@code out} topic. */
  private void fromLocal(Message m) {
    Optional<String> to = Optional.empty();
    for (BridgeTopic t : config.topics()) {
      to = t.toRemote(m.topic());
      if (to.isPresent()) {
        break;
      }
    }
    if (to.isEmpty()) {
      // e.g. a resumed session's message for a topic line since removed
      LOG.debug("bridge {}: no out topic maps {}; dropped", config.name(), m.topic());
      local.acknowledge(m);
      return;
    }
    Message out =
        Message.builder(to.get())
            .payload(m.payload())
            .qos(m.qos())
            .retain(config.outgoingRetain() && m.retain())
            .properties(
                config.version() == MqttVersion.V5 ? m.properties() : MessageProperties.NONE)
            .build();
    if (config.maxPacketSize() > 0 && packetSize(out) > config.maxPacketSize()) {
      LOG.warn(
          "bridge {}: a message to {} of {} bytes exceeds bridge_max_packet_size {}; dropped",
          config.name(),
          out.topic(),
          out.payloadSize(),
          config.maxPacketSize());
      local.acknowledge(m);
      return;
    }
    forward(m, out);
  }

  private void forward(Message original, Message out) {
    remote
        .publish(out)
        .whenComplete(
            (r, e) -> {
              if (e == null) {
                local.acknowledge(original);
                return;
              }
              MqttClientException x = cause(e);
              if (x != null && x.kind() == FailureKind.PROTOCOL) {
                // the remote broker answered: it will not take this one
                LOG.warn("bridge {}: {}; dropped", config.name(), x.getMessage());
                local.acknowledge(original);
              } else if (!closed) {
                // not taken, not refused: try again once the link may be back
                try {
                  scheduler.schedule(
                      () -> forward(original, out),
                      config.restartBase().toMillis(),
                      TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                  // the local broker keeps it unacknowledged
                }
              }
            });
  }

  /** A message from the remote broker on an {@code in} topic. */
  private void fromRemote(Message m) {
    Optional<String> to = Optional.empty();
    for (BridgeTopic t : config.topics()) {
      to = t.toLocal(m.topic());
      if (to.isPresent()) {
        break;
      }
    }
    if (to.isEmpty()) {
      LOG.debug("bridge {}: no in topic maps {}; dropped", config.name(), m.topic());
      remote.acknowledge(m);
      return;
    }
    Message in =
        Message.builder(to.get())
            .payload(m.payload())
            .qos(m.qos())
            .retain(m.retain())
            .properties(m.properties())
            .build();
    local
        .publish(in)
        .whenComplete(
            (r, e) -> {
              MqttClientException x = e == null ? null : cause(e);
              if (e == null || (x != null && x.kind() == FailureKind.PROTOCOL)) {
                if (x != null) {
                  LOG.warn("bridge {}: {}; dropped", config.name(), x.getMessage());
                }
                remote.acknowledge(m);
              }
              // otherwise unacknowledged: the remote broker sends it again on a resumed session
            });
  }

  /** The size of {@code m} as a PUBLISH, as bridge_max_packet_size counts it (properties aside). */
  static long packetSize(Message m) {
    long body =
        2L
            + m.topic().getBytes(StandardCharsets.UTF_8).length
            + (m.qos() == Qos.AT_MOST_ONCE ? 0 : 2)
            + m.payloadSize();
    int lengthBytes = body < 128 ? 1 : body < 16_384 ? 2 : body < 2_097_152 ? 3 : 4;
    return 1 + lengthBytes + body;
  }

  private static MqttClientException cause(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t instanceof MqttClientException x ? x : null;
  }

  private static String message(Throwable e) {
    MqttClientException x = cause(e);
    return x != null ? x.getMessage() : String.valueOf(e);
  }

  /** The bridge's name. */
  public String name() {
    return config.name();
  }

  /** Disconnects both sides; what was not acknowledged stays with the brokers. */
  @Override
  public void close() {
    closed = true;
    remote.close();
    local.close();
    LOG.info("bridge {}: stopped", config.name());
  }

  /** The remote side's client, for status. */
  MqttClient remote() {
    return remote;
  }

  /** The topics, for status. */
  List<BridgeTopic> topics() {
    return config.topics();
  }
}
