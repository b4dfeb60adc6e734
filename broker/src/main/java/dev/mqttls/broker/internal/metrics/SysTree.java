package dev.mqttls.broker.internal.metrics;

import dev.mqttls.broker.CertificateExpiry;
import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code $SYS} tree, with Mosquitto's topic names and value formats (so dashboards and scripts
 * written for Mosquitto read ours), plus mqttls's own under {@code $SYS/broker/tls/}. Each value is
 * published retained every {@code sys_interval}, when it changed, straight into this node's
 * retained store and router: it is not journaled, so a restart starts a fresh tree. Runs on one
 * event loop.
 */
final class SysTree {
  static final String PREFIX = "$SYS/broker/";

  private final BrokerContext context;
  private final BrokerMetrics metrics;
  private final String version;
  private final long startMillis;
  private final Map<String, String> last = new HashMap<>();
  private final Load[] loads;
  private long lastTickNanos;

  SysTree(BrokerContext context, BrokerMetrics metrics, String version) {
    this.context = context;
    this.metrics = metrics;
    this.version = version;
    this.startMillis = context.ticker().currentTimeMillis();
    this.lastTickNanos = context.ticker().nanoTime();
    Traffic t = metrics.traffic();
    this.loads =
        new Load[] {
          new Load("messages/received", t.packetsIn::sum),
          new Load("messages/sent", t.packetsOut::sum),
          new Load("publish/received", t::publishReceived),
          new Load("publish/sent", t::publishSent),
          new Load("publish/dropped", t::droppedTotal),
          new Load("bytes/received", t.bytesIn::sum),
          new Load("bytes/sent", t.bytesOut::sum),
          new Load("connections", metrics.connectionsAccepted::get),
          new Load("sockets", metrics.socketsOpened::get)
        };
  }

  /** Computes every value and publishes those that changed. */
  void tick() {
    long now = context.ticker().nanoTime();
    double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
    lastTickNanos = now;
    for (Load l : loads) {
      l.update(seconds);
    }
    for (Map.Entry<String, String> e : values().entrySet()) {
      if (!e.getValue().equals(last.get(e.getKey()))) {
        last.put(e.getKey(), e.getValue());
        publish(e.getKey(), e.getValue());
      }
    }
  }

  /** Topic (without {@link #PREFIX}) to value, in Mosquitto's formats. */
  Map<String, String> values() {
    Map<String, String> v = new LinkedHashMap<>();
    Traffic t = metrics.traffic();
    ClientTable clients = metrics.clients();
    int connected = clients.size();
    int sessions = context.sessions().size();
    int disconnected = Math.max(0, sessions - connected);
    long queued = 0;
    long subscriptions = 0;
    for (Session s : context.sessions().all()) {
      queued += s.queuedMessages() + s.inFlightMessages();
      subscriptions += s.subscriptionCount();
    }
    int retained = context.retained().size();
    AtomicLong retainedBytes = new AtomicLong();
    context
        .retained()
        .forEachMatching("#", m -> retainedBytes.addAndGet(m.publish().payload().readableBytes()));
    v.put("version", version);
    v.put("uptime", (context.ticker().currentTimeMillis() - startMillis) / 1000 + " seconds");
    v.put("clients/total", Long.toString(sessions));
    v.put("clients/connected", Integer.toString(connected));
    v.put("clients/active", Integer.toString(connected));
    v.put("clients/disconnected", Integer.toString(disconnected));
    v.put("clients/inactive", Integer.toString(disconnected));
    v.put("clients/maximum", Long.toString(clients.maximum()));
    v.put("clients/expired", Long.toString(metrics.sessionsExpired.get()));
    v.put("messages/received", Long.toString(t.packetsIn.sum()));
    v.put("messages/sent", Long.toString(t.packetsOut.sum()));
    v.put("messages/stored", Long.toString(queued + retained));
    v.put("store/messages/count", Long.toString(queued + retained));
    v.put("store/messages/bytes", Long.toString(retainedBytes.get()));
    v.put("publish/messages/received", Long.toString(t.publishReceived()));
    v.put("publish/messages/sent", Long.toString(t.publishSent()));
    v.put("publish/messages/dropped", Long.toString(t.droppedTotal()));
    v.put("publish/bytes/received", Long.toString(t.payloadReceived()));
    v.put("publish/bytes/sent", Long.toString(t.payloadSent()));
    v.put("bytes/received", Long.toString(t.bytesIn.sum()));
    v.put("bytes/sent", Long.toString(t.bytesOut.sum()));
    v.put("subscriptions/count", Long.toString(subscriptions));
    v.put("shared_subscriptions/count", Long.toString(metrics.sharedSubscriptions()));
    v.put("retained messages/count", Integer.toString(retained));
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    v.put("heap/current", Long.toString(heap.getUsed()));
    v.put("heap/maximum", Long.toString(heap.getMax() > 0 ? heap.getMax() : heap.getCommitted()));
    for (Load l : loads) {
      l.put(v);
    }
    metrics
        .tls()
        .handshakesByVersion()
        .forEach((k, n) -> v.put("tls/handshakes/" + k, n.toString()));
    metrics.tls().failuresByCause().forEach((k, n) -> v.put("tls/failures/" + k, n.toString()));
    v.put("tls/clients/expiring", Integer.toString(clients.expiringSoon().size()));
    certificates(v, metrics.certificates());
    return v;
  }

  /**
   * {@code tls/listener/PORT/server|ca|crl/N/...}: numbered, because a subject DN may hold
   * characters a topic name may not ({@code +}, {@code #}).
   */
  private static void certificates(Map<String, String> v, List<CertificateExpiry> all) {
    Map<String, Integer> seen = new HashMap<>();
    for (CertificateExpiry c : all) {
      String base = "tls/listener/" + c.listener() + "/" + c.kind().name().toLowerCase(Locale.ROOT);
      int n = seen.merge(base, 1, Integer::sum) - 1;
      String p = base + "/" + n + "/";
      v.put(p + (c.kind() == CertificateExpiry.Kind.CRL ? "issuer" : "subject"), c.subject());
      v.put(
          p + (c.kind() == CertificateExpiry.Kind.CRL ? "next_update" : "expiry"),
          c.notAfter().toString());
    }
  }

  private void publish(String topic, String value) {
    String full = PREFIX + topic;
    long now = context.ticker().nanoTime();
    Message stored = message(full, value, true, now);
    try {
      context.retained().put(full, stored.copied());
    } finally {
      stored.release();
    }
    Message live = message(full, value, false, now);
    try {
      context.router().publish(live);
    } finally {
      live.release();
    }
  }

  private static Message message(String topic, String value, boolean retain, long now) {
    Publish p =
        new Publish(
            false,
            Qos.AT_MOST_ONCE,
            retain,
            topic,
            0,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer(value, StandardCharsets.UTF_8));
    return Message.of(p, "$SYS", null, now);
  }

  /**
   * Mosquitto's load figures: a rate per minute, smoothed exponentially over 1, 5 and 15 minutes.
   */
  private static final class Load {
    private final String name;
    private final java.util.function.LongSupplier total;
    private long previous;
    private final double[] averages = new double[3];
    private static final double[] MINUTES = {1, 5, 15};

    Load(String name, java.util.function.LongSupplier total) {
      this.name = name;
      this.total = total;
      this.previous = total.getAsLong();
    }

    void update(double seconds) {
      long now = total.getAsLong();
      double perMinute = (now - previous) * 60.0 / seconds;
      previous = now;
      for (int i = 0; i < 3; i++) {
        double decay = Math.exp(-seconds / (60.0 * MINUTES[i]));
        averages[i] = perMinute + decay * (averages[i] - perMinute);
      }
    }

    void put(Map<String, String> v) {
      v.put("load/" + name + "/1min", String.format(Locale.ROOT, "%.2f", averages[0]));
      v.put("load/" + name + "/5min", String.format(Locale.ROOT, "%.2f", averages[1]));
      v.put("load/" + name + "/15min", String.format(Locale.ROOT, "%.2f", averages[2]));
    }
  }
}
