package dev.mqttls.bench;

import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import java.time.Duration;
import java.util.Objects;

/**
 * What to run and how hard: the scenario and its knobs. Knobs a scenario does not use are ignored.
 * Built with {@link #builder(Scenario)}, which checks every value where it is set.
 *
 * @param scenario the scenario
 * @param duration how long to measure (connect: split between full and resumed handshakes; idle:
 *     how long the connections are held)
 * @param warmup connect, throughput and latency: how long to run first without counting, so that
 *     the JIT and both sides' caches are warm (zero for none)
 * @param version the MQTT version the connections speak
 * @param keepAlive keep-alive in seconds sent in CONNECT
 * @param publishers throughput/latency: publishing connections
 * @param subscribers throughput/latency: subscribing connections, each receiving every message
 * @param qos QoS of publishes and subscriptions
 * @param payloadSize payload bytes (at least {@link #MIN_PAYLOAD}: publisher, sequence, time)
 * @param topicPerPublisher one topic per publisher instead of one shared topic
 * @param window closed loop: messages a publisher may have sent but not yet seen delivered to every
 *     subscriber (end to end)
 * @param rate open loop: messages per second over all publishers; 0 for closed loop
 * @param connections idle: connections to hold
 * @param sourceAddresses idle: spread connections over 127.0.0.1 ... 127.0.0.N (loopback targets)
 * @param concurrency connect: handshakes in flight at once; idle: connection attempts in flight
 * @param messages wire: messages per measurement
 * @param batch wire: messages per flush in the batched measurement
 * @param subscriberDelayMicros throughput/latency: each subscriber takes at most one message per
 *     this many microseconds (it stops reading its socket until its time has come, so the broker
 *     sees a slow reader, not a blocked one); 0 for as fast as it can
 * @param slowSubscribers how many of the subscribers (the first ones) {@code subscriberDelayMicros}
 *     slows down; 0 for all of them
 */
public record BenchSettings(
    Scenario scenario,
    Duration duration,
    Duration warmup,
    MqttVersion version,
    int keepAlive,
    int publishers,
    int subscribers,
    Qos qos,
    int payloadSize,
    boolean topicPerPublisher,
    int window,
    int rate,
    int connections,
    int sourceAddresses,
    int concurrency,
    int messages,
    int batch,
    int subscriberDelayMicros,
    int slowSubscribers) {

  /** Publisher index, sequence number and intended send time. */
  public static final int MIN_PAYLOAD = 20;

  /** Whether subscriber {@code index} is slowed down by {@link #subscriberDelayMicros()}. */
  public boolean slowSubscriber(int index) {
    return subscriberDelayMicros > 0 && (slowSubscribers == 0 || index < slowSubscribers);
  }

  /** Checks the values. */
  public BenchSettings {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(qos, "qos");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive");
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative");
    }
    positive(publishers, "--publishers");
    positive(subscribers, "--subscribers");
    positive(window, "--window");
    positive(connections, "--connections");
    positive(concurrency, "--concurrency");
    positive(messages, "--messages");
    positive(batch, "--batch");
    if (sourceAddresses < 1 || sourceAddresses > 254) {
      throw new IllegalArgumentException(
          "--source-addresses must be in 1..254, was " + sourceAddresses);
    }
    if (payloadSize < MIN_PAYLOAD || payloadSize > 1 << 20) {
      throw new IllegalArgumentException(
          "--payload must be in "
              + MIN_PAYLOAD
              + "..1048576 bytes (it carries publisher, sequence number and send time), was "
              + payloadSize);
    }
    if (rate < 0) {
      throw new IllegalArgumentException("--rate must not be negative, was " + rate);
    }
    if (subscriberDelayMicros < 0) {
      throw new IllegalArgumentException(
          "--subscriber-delay-us must not be negative, was " + subscriberDelayMicros);
    }
    if (slowSubscribers < 0 || slowSubscribers > subscribers) {
      throw new IllegalArgumentException(
          "--slow-subscribers must be in 0.." + subscribers + ", was " + slowSubscribers);
    }
    if (keepAlive < 0 || keepAlive > 65535) {
      throw new IllegalArgumentException("--keepalive must be in 0..65535, was " + keepAlive);
    }
  }

  private static void positive(int v, String name) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + v);
    }
  }

  /** Defaults for {@code scenario}: 10 s, MQTT 3.1.1, QoS 0, 64-byte payloads, 1→1. */
  public static Builder builder(Scenario scenario) {
    return new Builder(scenario);
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder(scenario);
    b.duration = duration;
    b.warmup = warmup;
    b.version = version;
    b.keepAlive = keepAlive;
    b.publishers = publishers;
    b.subscribers = subscribers;
    b.qos = qos;
    b.payloadSize = payloadSize;
    b.topicPerPublisher = topicPerPublisher;
    b.window = window;
    b.rate = rate;
    b.connections = connections;
    b.sourceAddresses = sourceAddresses;
    b.concurrency = concurrency;
    b.messages = messages;
    b.batch = batch;
    b.subscriberDelayMicros = subscriberDelayMicros;
    b.slowSubscribers = slowSubscribers;
    return b;
  }

  /** Builds {@link BenchSettings}; each setter's value is checked by {@link #build()}. */
  public static final class Builder {
    private final Scenario scenario;
    private Duration duration = Duration.ofSeconds(10);
    private Duration warmup = Duration.ZERO;
    private MqttVersion version = MqttVersion.V3_1_1;
    private int keepAlive = 60;
    private int publishers = 1;
    private int subscribers = 1;
    private Qos qos = Qos.AT_MOST_ONCE;
    private int payloadSize = 64;
    private boolean topicPerPublisher;
    private int window = 1000;
    private int rate;
    private int connections = 1000;
    private int sourceAddresses = 4;
    private int concurrency = 4;
    private int messages = 1000;
    private int batch = 100;
    private int subscriberDelayMicros;
    private int slowSubscribers;

    private Builder(Scenario scenario) {
      this.scenario = Objects.requireNonNull(scenario, "scenario");
      if (scenario == Scenario.LATENCY) {
        rate = 1000;
      }
    }

    /** How long to measure. */
    public Builder duration(Duration v) {
      duration = Objects.requireNonNull(v, "duration");
      return this;
    }

    /** How long to run before counting (default: none). */
    public Builder warmup(Duration v) {
      warmup = Objects.requireNonNull(v, "warmup");
      return this;
    }

    /** MQTT version. */
    public Builder version(MqttVersion v) {
      version = Objects.requireNonNull(v, "version");
      return this;
    }

    /** Keep-alive seconds. */
    public Builder keepAlive(int v) {
      keepAlive = v;
      return this;
    }

    /** Publishing connections. */
    public Builder publishers(int v) {
      publishers = v;
      return this;
    }

    /** Subscribing connections. */
    public Builder subscribers(int v) {
      subscribers = v;
      return this;
    }

    /** QoS. */
    public Builder qos(Qos v) {
      qos = Objects.requireNonNull(v, "qos");
      return this;
    }

    /** Payload bytes. */
    public Builder payloadSize(int v) {
      payloadSize = v;
      return this;
    }

    /** One topic per publisher. */
    public Builder topicPerPublisher(boolean v) {
      topicPerPublisher = v;
      return this;
    }

    /** Closed-loop end-to-end window per publisher. */
    public Builder window(int v) {
      window = v;
      return this;
    }

    /** Open-loop rate over all publishers, 0 for closed loop. */
    public Builder rate(int v) {
      rate = v;
      return this;
    }

    /** Idle connections to hold. */
    public Builder connections(int v) {
      connections = v;
      return this;
    }

    /** Loopback source addresses for the idle connections. */
    public Builder sourceAddresses(int v) {
      sourceAddresses = v;
      return this;
    }

    /** Connection attempts in flight. */
    public Builder concurrency(int v) {
      concurrency = v;
      return this;
    }

    /** Wire: messages per measurement. */
    public Builder messages(int v) {
      messages = v;
      return this;
    }

    /** Wire: messages per flush when batched. */
    public Builder batch(int v) {
      batch = v;
      return this;
    }

    /** Microseconds each subscriber takes per message at least (default 0: no delay). */
    public Builder subscriberDelayMicros(int v) {
      subscriberDelayMicros = v;
      return this;
    }

    /** How many subscribers the delay slows down, the first ones (default 0: all). */
    public Builder slowSubscribers(int v) {
      slowSubscribers = v;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the option that is out of range
     */
    public BenchSettings build() {
      return new BenchSettings(
          scenario,
          duration,
          warmup,
          version,
          keepAlive,
          publishers,
          subscribers,
          qos,
          payloadSize,
          topicPerPublisher,
          window,
          rate,
          connections,
          sourceAddresses,
          concurrency,
          messages,
          batch,
          subscriberDelayMicros,
          slowSubscribers);
    }
  }
}
