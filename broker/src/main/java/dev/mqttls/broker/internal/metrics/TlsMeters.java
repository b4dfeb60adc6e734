package dev.mqttls.broker.internal.metrics;

import dev.mqttls.tls.HandshakeFailureCause;
import dev.mqttls.tls.TlsHandshakeFailed;
import dev.mqttls.tls.TlsSessionEstablished;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * TLS handshakes by listener, version and resumption, failures by named cause, and the handshake
 * duration (full and resumed apart). Thread-safe; one update per handshake.
 */
public final class TlsMeters {
  private final MeterRegistry registry;
  private final Map<List<String>, LongAdder> handshakes = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> failures = new ConcurrentHashMap<>();
  private final Timer full;
  private final Timer resumed;

  TlsMeters(MeterRegistry registry) {
    this.registry = registry;
    this.full = timer(registry, "false");
    this.resumed = timer(registry, "true");
  }

  private static Timer timer(MeterRegistry r, String resumed) {
    return Timer.builder("mqttls.tls.handshake")
        .description("TLS handshake duration, from accept to the handshake's end")
        .tag("resumed", resumed)
        .serviceLevelObjectives(
            Duration.ofMillis(1),
            Duration.ofMillis(2),
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(25),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5))
        .register(r);
  }

  void established(TlsSessionEstablished e, long nanos) {
    (e.resumed() ? resumed : full).record(nanos, TimeUnit.NANOSECONDS);
    adder(
            handshakes,
            List.of(e.listenerName(), e.protocol(), Boolean.toString(e.resumed())),
            "mqttls.tls.handshakes",
            "TLS handshakes completed",
            "listener",
            "tls_version",
            "resumed")
        .increment();
  }

  void failed(TlsHandshakeFailed f) {
    adder(
            failures,
            List.of(f.listenerName(), label(f.cause())),
            "mqttls.tls.handshake.failures",
            "TLS handshakes failed, by named cause",
            "listener",
            "cause")
        .increment();
  }

  static String label(HandshakeFailureCause c) {
    return c.name().toLowerCase(Locale.ROOT);
  }

  private LongAdder adder(
      Map<List<String>, LongAdder> map,
      List<String> key,
      String name,
      String help,
      String... tags) {
    return map.computeIfAbsent(
        key,
        k -> {
          LongAdder a = new LongAdder();
          FunctionCounter.Builder<LongAdder> b =
              FunctionCounter.builder(name, a, LongAdder::doubleValue).description(help);
          for (int i = 0; i < tags.length; i++) {
            b.tag(tags[i], k.get(i));
          }
          b.register(registry);
          return a;
        });
  }

  /** Handshakes completed by TLS version (all listeners). */
  public Map<String, Long> handshakesByVersion() {
    Map<String, Long> m = new TreeMap<>();
    handshakes.forEach((k, v) -> m.merge(k.get(1), v.sum(), Long::sum));
    return m;
  }

  /** Failed handshakes by cause label (all listeners). */
  public Map<String, Long> failuresByCause() {
    Map<String, Long> m = new TreeMap<>();
    failures.forEach((k, v) -> m.merge(k.get(1), v.sum(), Long::sum));
    return m;
  }
}
