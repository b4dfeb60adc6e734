package dev.mqttls.bench;

import dev.mqttls.bench.internal.ScenarioOutput;
import dev.mqttls.bench.internal.Scenarios;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Runs load scenarios against MQTT brokers.
 *
 * <pre>{@code
 * Target broker = Target.tls("localhost", 8883, TlsOptions.trusting(caFile)).withBrokerPid(pid);
 * BenchResult r = Bench.run(broker, DevicePool.fromPki(pkiDir, 100),
 *     BenchSettings.builder(Scenario.CONNECT).duration(Duration.ofSeconds(10)).build(), line -> {});
 * new JsonReport().write(r);
 * }</pre>
 */
public final class Bench {
  private Bench() {}

  /**
   * Runs one scenario against one broker, reporting progress a few times a second to {@code
   * progress} (from the calling thread).
   *
   * @throws BenchException if the broker refuses or drops the connections the scenario needs
   * @throws InterruptedException if the calling thread is interrupted
   */
  public static BenchResult run(
      Target target, DevicePool devices, BenchSettings settings, Consumer<String> progress)
      throws InterruptedException {
    Machine machine = Machine.describe();
    Instant started = Instant.now();
    String runTag = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL);
    ScenarioOutput out = Scenarios.run(target, devices, settings, runTag, progress);
    return new BenchResult(
        settings.scenario(),
        target.label(),
        started,
        settingsMap(target, devices, settings),
        out.figures(),
        out.series(),
        machine);
  }

  private static Map<String, Object> settingsMap(
      Target target, DevicePool devices, BenchSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("duration_s", s.duration().toMillis() / 1000.0);
    m.put("warmup_s", s.warmup().toMillis() / 1000.0);
    m.put("tls", target.tls().isPresent());
    target
        .tls()
        .ifPresent(t -> m.put("tls_versions", t.protocols().isEmpty() ? "default" : t.protocols()));
    m.put("mqtt_version", s.version().name().toLowerCase(Locale.ROOT));
    m.put("client_certificates", devices.size());
    target.brokerPid().ifPresent(pid -> m.put("broker_pid", pid));
    switch (s.scenario()) {
      case CONNECT -> m.put("concurrency", s.concurrency());
      case THROUGHPUT, LATENCY -> {
        m.put("publishers", s.publishers());
        m.put("subscribers", s.subscribers());
        m.put("qos", s.qos().code());
        m.put("payload", s.payloadSize());
        m.put("topic_per_publisher", s.topicPerPublisher());
        if (s.rate() > 0) {
          m.put("rate", s.rate());
        } else {
          m.put("window", s.window());
        }
        if (s.subscriberDelayMicros() > 0) {
          m.put("subscriber_delay_us", s.subscriberDelayMicros());
          m.put(
              "slow_subscribers", s.slowSubscribers() == 0 ? s.subscribers() : s.slowSubscribers());
        }
      }
      case IDLE -> {
        m.put("connections", s.connections());
        m.put("source_addresses", s.sourceAddresses());
        m.put("keepalive", s.keepAlive());
      }
      case WIRE -> {
        m.put("qos", s.qos().code());
        m.put("payload", s.payloadSize());
        m.put("messages", s.messages());
        m.put("batch", s.batch());
      }
    }
    return m;
  }
}
