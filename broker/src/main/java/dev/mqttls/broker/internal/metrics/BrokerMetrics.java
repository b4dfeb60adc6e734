package dev.mqttls.broker.internal.metrics;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerTelemetry;
import dev.mqttls.broker.CertificateExpiry;
import dev.mqttls.broker.ConnectedClient;
import dev.mqttls.broker.Refusal;
import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.codec.ReasonCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one metrics object of a running broker; thread-safe. Connections and flows call its small
 * methods (a counter add each); gauges, {@code $SYS} and {@link BrokerTelemetry} readers read
 * lazily. Its meters live in a composite registry that records nowhere until a registry is added
 * ({@link #publishTo}), so a broker without the admin module pays only the counter adds.
 */
public final class BrokerMetrics implements BrokerTelemetry, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");
  private static final Duration DAY = Duration.ofDays(1);

  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final BrokerConfig config;
  private final Ticker ticker;
  private final TopicTree tree;
  private final Traffic traffic = new Traffic();
  private final WireBytes wireBytes = new WireBytes(traffic);
  private final TlsMeters tls;
  private final ClientTable clients;
  private final CertificateWatch certificates;
  private final Map<ReasonCode, LongAdder> connacks = new ConcurrentHashMap<>();
  private final RecentRefusals refusals = new RecentRefusals();
  private final JvmGcMetrics gc = new JvmGcMetrics();
  final AtomicLong connectionsAccepted = new AtomicLong();
  final AtomicLong socketsOpened = new AtomicLong();
  final AtomicLong sessionsExpired = new AtomicLong();
  private volatile Supplier<Optional<String>> readiness = () -> Optional.of("starting");
  private volatile Ticker.Timeout sysTimer;
  private volatile Ticker.Timeout dailyTimer;
  private volatile boolean closed;
  private volatile EventExecutor loop;

  public BrokerMetrics(BrokerConfig config, Ticker ticker, TopicTree tree) {
    this.config = config;
    this.ticker = ticker;
    this.tree = tree;
    this.tls = new TlsMeters(registry);
    this.clients = new ClientTable(registry, ticker, config.certExpiryWarning());
    this.certificates = new CertificateWatch(registry, ticker, config.certExpiryWarning());
    traffic.register(registry);
    FunctionCounter.builder("mqttls.sessions.expired", sessionsExpired, AtomicLong::get)
        .description("Sessions ended by their expiry")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
  }

  /** The registry the broker's meters are registered in. */
  public MeterRegistry registry() {
    return registry;
  }

  Ticker ticker() {
    return ticker;
  }

  Traffic traffic() {
    return traffic;
  }

  ClientTable clients() {
    return clients;
  }

  TlsMeters tls() {
    return tls;
  }

  /**
   * Starts what runs on its own once the broker is up: gauges over its parts, the {@code $SYS}
   * tree, the expiry warnings (now and daily) and readiness.
   *
   * @param tlsListeners every TLS listener, watched for certificate expiry
   * @param notReady why the broker cannot serve now, or empty
   */
  public void start(
      BrokerContext context,
      List<CertificateWatch.Listener> tlsListeners,
      Supplier<Optional<String>> notReady) {
    registerGauges(context);
    this.readiness = notReady;
    certificates.watch(tlsListeners);
    certificates.warn();
    loop = context.loops().next();
    dailyTimer = ticker.schedule(loop, this::daily, DAY.toMillis(), TimeUnit.MILLISECONDS);
    Duration every = config.sysInterval();
    if (!every.isZero()) {
      SysTree sys = new SysTree(context, this, "mqttls version " + version());
      Runnable[] tick = new Runnable[1];
      tick[0] =
          () -> {
            if (closed) {
              return;
            }
            try {
              sys.tick();
            } catch (RuntimeException e) {
              // Our bug: logged with its trace; the tree stays on.
              LOG.error("$SYS update failed", e);
            }
            sysTimer = ticker.schedule(loop, tick[0], every.toMillis(), TimeUnit.MILLISECONDS);
          };
      loop.execute(tick[0]);
    }
  }

  private void daily() {
    if (closed) {
      return;
    }
    certificates.refresh();
    certificates.warn();
    warnClients();
    dailyTimer = ticker.schedule(loop, this::daily, DAY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void warnClients() {
    List<ConnectedClient> soon = clients.expiringSoon();
    if (!soon.isEmpty()) {
      LOG.warn(
          "{} connected client(s) have a certificate ending within {} days (cert_expiry_warning_days),"
              + " the first {} on {}",
          soon.size(),
          config.certExpiryWarning().toDays(),
          soon.get(0).clientId(),
          soon.get(0).certificateNotAfter().orElseThrow());
    }
  }

  private void registerGauges(BrokerContext c) {
    Gauge.builder("mqttls.sessions", c.sessions(), s -> s.size())
        .description("Sessions held, connected or not")
        .register(registry);
    Gauge.builder("mqttls.retained.messages", c.retained(), r -> r.size())
        .description("Retained messages")
        .register(registry);
    Gauge.builder("mqttls.subscriptions", tree, t -> t.count()[0])
        .description("Subscriptions (not shared)")
        .register(registry);
    Gauge.builder("mqttls.shared.subscriptions", tree, t -> t.count()[1])
        .description("Members of shared subscription groups")
        .register(registry);
    Gauge.builder("mqttls.queued.messages", c, ctx -> depth(ctx, false))
        .description("Messages queued for clients behind their in-flight windows")
        .register(registry);
    Gauge.builder("mqttls.inflight.messages", c, ctx -> depth(ctx, true))
        .description("Outgoing QoS 1/2 messages in flight (sent, not yet acknowledged)")
        .register(registry);
  }

  /** A racy sum, read off the sessions' loops: good enough for a gauge, never for a decision. */
  private static double depth(BrokerContext c, boolean inFlight) {
    long n = 0;
    for (Session s : c.sessions().all()) {
      n += inFlight ? s.inFlightMessages() : s.queuedMessages();
    }
    return n;
  }

  /** Wraps a journal that keeps sessions so its writes are timed. */
  public Journal timed(Journal j) {
    return j.keepsSessions() ? new TimedJournal(j, ticker, registry) : j;
  }

  /** The per-connection handlers: wire bytes first in the pipeline, the meter before protocol. */
  public ChannelHandler wireBytes() {
    return wireBytes;
  }

  /** A new connection's meter (one per connection: it keeps the connection's row). */
  public ChannelHandler meter(String listener) {
    socketsOpened.incrementAndGet();
    return new ConnectionMeter(this, listener);
  }

  /** A PUBLISH written to a client. */
  public void publishSent(int qos, int payloadBytes) {
    traffic.publishOut[qos].increment();
    traffic.payloadOut[qos].add(payloadBytes);
  }

  /** A PUBLISH not delivered, and why. */
  public void dropped(DropReason reason) {
    traffic.dropped[reason.ordinal()].increment();
  }

  /** A session ended by its expiry. */
  public void sessionExpired() {
    sessionsExpired.incrementAndGet();
  }

  void connack(ReasonCode code) {
    if (code == ReasonCode.SUCCESS) {
      connectionsAccepted.incrementAndGet();
    }
    connacks
        .computeIfAbsent(
            code,
            k -> {
              LongAdder a = new LongAdder();
              boolean ok = k == ReasonCode.SUCCESS;
              FunctionCounter.builder(
                      ok ? "mqttls.connects" : "mqttls.connect.refusals", a, LongAdder::doubleValue)
                  .description(
                      ok ? "CONNECTs accepted" : "CONNECTs refused, by CONNACK reason code")
                  .tag("reason", k.name().toLowerCase(Locale.ROOT))
                  .register(registry);
              return a;
            })
        .increment();
  }

  void refused(Refusal r) {
    refusals.add(r);
  }

  @Override
  public List<Refusal> recentRefusals() {
    return refusals.snapshot();
  }

  /** Re-reads the certificates after a TLS reload (SIGHUP), and warns as at start-up. */
  public void certificatesReloaded() {
    certificates.refresh();
    certificates.warn();
  }

  long sharedSubscriptions() {
    return tree.count()[1];
  }

  static String version() {
    String v = Broker.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  @Override
  public void publishTo(MeterRegistry r) {
    registry.add(r);
  }

  @Override
  public void unpublish(MeterRegistry r) {
    registry.remove(r);
  }

  @Override
  public Optional<String> notReady() {
    return readiness.get();
  }

  @Override
  public Duration expiryWarning() {
    return config.certExpiryWarning();
  }

  @Override
  public List<ConnectedClient> connectedClients() {
    return clients.all();
  }

  @Override
  public List<ConnectedClient> clientsWithCertificateExpiringSoon() {
    return clients.expiringSoon();
  }

  @Override
  public List<CertificateExpiry> certificates() {
    return certificates.all();
  }

  /** Stops the timers and the GC listener. */
  @Override
  public void close() {
    closed = true;
    Ticker.Timeout t = sysTimer;
    if (t != null) {
      t.cancel();
    }
    t = dailyTimer;
    if (t != null) {
      t.cancel();
    }
    gc.close();
    readiness = () -> Optional.of("stopped");
  }
}
