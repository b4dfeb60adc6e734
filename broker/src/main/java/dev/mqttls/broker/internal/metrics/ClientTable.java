package dev.mqttls.broker.internal.metrics;

import dev.mqttls.broker.ConnectedClient;
import dev.mqttls.broker.internal.time.Ticker;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connected clients (from CONNACK to close), their count by listener and TLS version, the most
 * ever connected, and the days to expiry of their certificates. Thread-safe; written once per
 * connect and disconnect, read by gauges and the admin listener.
 */
public final class ClientTable {
  /** Bucket bounds, in days, of the client certificate expiry histogram. */
  private static final double[] DAY_BUCKETS = {1, 7, 14, 30, 60, 90, 180, 365, 730, 1825};

  private final Map<ChannelId, ConnectedClient> rows = new ConcurrentHashMap<>();
  private final Map<List<String>, AtomicLong> byListener = new ConcurrentHashMap<>();
  private final AtomicLong maximum = new AtomicLong();
  private final MeterRegistry registry;
  private final Ticker ticker;
  private final Duration warning;
  private final DistributionSummary daysToExpiry;

  ClientTable(MeterRegistry registry, Ticker ticker, Duration warning) {
    this.registry = registry;
    this.ticker = ticker;
    this.warning = warning;
    this.daysToExpiry =
        DistributionSummary.builder("mqttls.client.certificate.expiry")
            .baseUnit("days")
            .description("Days until the certificate of a client ends, taken when it connects")
            .serviceLevelObjectives(DAY_BUCKETS)
            .register(registry);
    Gauge.builder("mqttls.client.certificates.expiring", this, t -> t.expiringSoon().size())
        .description("Connected clients whose certificate ends within cert_expiry_warning_days")
        .register(registry);
  }

  void connected(ChannelId id, ConnectedClient c) {
    rows.put(id, c);
    count(c).incrementAndGet();
    maximum.accumulateAndGet(rows.size(), Math::max);
    c.certificateNotAfter()
        .ifPresent(
            end ->
                daysToExpiry.record(
                    Math.max(0, end.toEpochMilli() - ticker.currentTimeMillis()) / 86_400_000.0));
  }

  void disconnected(ChannelId id, ConnectedClient c) {
    if (rows.remove(id) != null) {
      count(c).decrementAndGet();
    }
  }

  private AtomicLong count(ConnectedClient c) {
    List<String> key = List.of(c.listener(), c.tlsVersion().orElse("none"));
    return byListener.computeIfAbsent(
        key,
        k -> {
          AtomicLong n = new AtomicLong();
          Gauge.builder("mqttls.connections", n, AtomicLong::get)
              .description("Connected clients (CONNECT accepted)")
              .tag("listener", k.get(0))
              .tag("tls_version", k.get(1))
              .register(registry);
          return n;
        });
  }

  /** Connected clients now. */
  public int size() {
    return rows.size();
  }

  /** The most clients connected at once since start. */
  public long maximum() {
    return maximum.get();
  }

  /** A snapshot of every row. */
  public List<ConnectedClient> all() {
    return List.copyOf(rows.values());
  }

  /** The clients whose certificate ends within the warning window, soonest first. */
  public List<ConnectedClient> expiringSoon() {
    Instant limit = Instant.ofEpochMilli(ticker.currentTimeMillis()).plus(warning);
    List<ConnectedClient> out = new ArrayList<>();
    for (ConnectedClient c : rows.values()) {
      if (c.certificateNotAfter().isPresent() && c.certificateNotAfter().get().isBefore(limit)) {
        out.add(c);
      }
    }
    out.sort(Comparator.comparing(c -> c.certificateNotAfter().get()));
    return out;
  }
}
