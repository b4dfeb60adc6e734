package dev.mqttls.bench.internal;

import dev.mqttls.bench.Series;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Connection set-up: TCP, TLS and CONNECT to CONNACK, then DISCONNECT, over and over from {@code
 * concurrency} workers. With TLS, the first half of the time makes full handshakes (no client
 * session cache) and the second half resumes (a session cache per device certificate; each device's
 * first handshake there is a full one that fills it). Whether a handshake really resumed is asked
 * of the TLS engine, not assumed.
 */
final class ConnectScenario {
  private final Connector connector;
  private final Progress progress;
  private final BrokerProc broker;
  private final AtomicInteger nextIndex = new AtomicInteger();

  ConnectScenario(Connector connector, Progress progress) {
    this.connector = connector;
    this.progress = progress;
    this.broker = new BrokerProc(connector.target().brokerPid());
  }

  /** One phase's tallies, shared by its workers. */
  private static final class Phase {
    final String name;
    final Recorder connack = new Recorder(3);
    final Recorder tls = new Recorder(3);
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong resumed = new AtomicLong();
    final AtomicReference<String> firstFailure = new AtomicReference<>();

    Phase(String name) {
      this.name = name;
    }
  }

  ScenarioOutput run() throws InterruptedException {
    boolean tls = connector.target().tls().isPresent();
    Duration total = connector.settings().duration();
    Figures f = new Figures();
    f.count("concurrency", connector.settings().concurrency());
    List<Series> series = new ArrayList<>();
    List<Series.Point> rate = new ArrayList<>();
    // Before measuring: every device's TLS contexts built, and the JIT and both sides' TLS code
    // warmed by --warmup of connections that are not counted (the first ones can cost ten times
    // the later ones).
    connector.prepareContexts();
    Duration warmup = connector.settings().warmup();
    if (!warmup.isZero()) {
      Phase warm = new Phase("warmup");
      workers(warm, false, System.nanoTime() + warmup.toNanos());
      f.count("warmup_connects", warm.ok.get());
    }
    long t0 = System.nanoTime();
    if (tls) {
      Duration half = total.dividedBy(2);
      runPhase(new Phase("full"), false, half, f, series, rate, t0);
      runPhase(new Phase("resumed"), true, total.minus(half), f, series, rate, t0);
    } else {
      runPhase(new Phase("plain"), false, total, f, series, rate, t0);
    }
    series.add(
        0, new Series("rate", "Connections per second", "time (s)", "connections/s", false, rate));
    return new ScenarioOutput(f.map(), series);
  }

  private void runPhase(
      Phase phase,
      boolean resumable,
      Duration duration,
      Figures f,
      List<Series> series,
      List<Series.Point> rate,
      long t0)
      throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    OptionalLong cpu0 = broker.cpuNanos();
    long start = System.nanoTime();
    List<Thread> threads = startWorkers(phase, resumable, end);
    long lastN = 0;
    long lastT = start;
    while (System.nanoTime() < end) {
      Waits.pause(
          Math.min(250, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      long n = phase.ok.get();
      long t = System.nanoTime();
      double perSecond = (n - lastN) * 1e9 / (t - lastT);
      rate.add(new Series.Point((t - t0) / 1e9, perSecond));
      progress.update(
          String.format(
              Locale.ROOT,
              "connect %-7s %5.1f s  %,8d connected  %,8.0f /s  %,d failed",
              phase.name,
              (t - start) / 1e9,
              n,
              perSecond,
              phase.failed.get()));
      lastN = n;
      lastT = t;
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(20));
    }
    long stop = System.nanoTime();
    OptionalLong cpu1 = broker.cpuNanos();
    Histogram connack = phase.connack.getIntervalHistogram();
    Histogram tlsOnly = phase.tls.getIntervalHistogram();
    String p = phase.name;
    long ok = phase.ok.get();
    f.count(p + "_connects", ok).count(p + "_failed", phase.failed.get());
    if (phase.firstFailure.get() != null) {
      f.put(p + "_first_failure", phase.firstFailure.get());
    }
    if (!p.equals("plain")) {
      f.count(p + "_really_resumed", phase.resumed.get());
    }
    f.measured(p + "_per_s", ok * 1e9 / (stop - start)).percentilesMs(p + "_connack", connack);
    if (tlsOnly.getTotalCount() > 0) {
      f.measured(p + "_tls_only_p50_ms", tlsOnly.getValueAtPercentile(50) / 1000.0)
          .measured(p + "_tls_only_p99_ms", tlsOnly.getValueAtPercentile(99) / 1000.0);
    }
    f.cpuPerUnit(p + "_broker_cpu_us_per_connect", cpu0, cpu1, ok);
    series.add(
        Plots.percentileCurve(p + "_connack", "Connect to CONNACK, " + p + " handshakes", connack));
  }

  private void workers(Phase phase, boolean resumable, long end) throws InterruptedException {
    for (Thread t : startWorkers(phase, resumable, end)) {
      t.join(TimeUnit.SECONDS.toMillis(20));
    }
  }

  private List<Thread> startWorkers(Phase phase, boolean resumable, long end) {
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < connector.settings().concurrency(); w++) {
      Thread t = new Thread(() -> work(phase, resumable, end), "mqttls-bench-connect-" + w);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    return threads;
  }

  private void work(Phase phase, boolean resumable, long end) {
    while (System.nanoTime() < end) {
      int i = nextIndex.getAndIncrement();
      CompletableFuture<BenchConnection> f =
          connector.connect(
              connector.clientId("c", i),
              i,
              resumable,
              Optional.empty(),
              new BenchConnection.Listener() {});
      try {
        BenchConnection c = f.get(20, TimeUnit.SECONDS);
        phase.connack.recordValue(Math.max(1, c.connackNanos() / 1000));
        if (c.tlsOnlyNanos() > 0) {
          phase.tls.recordValue(Math.max(1, c.tlsOnlyNanos() / 1000));
        }
        if (c.resumed()) {
          phase.resumed.incrementAndGet();
        }
        phase.ok.incrementAndGet();
        c.disconnect().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        phase.failed.incrementAndGet();
        phase.firstFailure.compareAndSet(null, Waits.message(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
