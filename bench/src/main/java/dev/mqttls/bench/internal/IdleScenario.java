package dev.mqttls.bench.internal;

import dev.mqttls.bench.BenchSettings;
import dev.mqttls.bench.Series;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many connections held open and idle (keep-alive pings only): what each costs the broker in
 * resident memory and CPU. Against a loopback broker the connections come from 127.0.0.1 ...
 * 127.0.0.N, since one source address gives at most ~28,000 ephemeral ports per destination.
 */
final class IdleScenario {
  private final Connector connector;
  private final Progress progress;
  private final BrokerProc broker;

  IdleScenario(Connector connector, Progress progress) {
    this.connector = connector;
    this.progress = progress;
    this.broker = new BrokerProc(connector.target().brokerPid());
  }

  ScenarioOutput run() throws InterruptedException {
    BenchSettings s = connector.settings();
    List<Optional<InetSocketAddress>> sources = sources(s.sourceAddresses());
    ConcurrentLinkedQueue<BenchConnection> open = new ConcurrentLinkedQueue<>();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    Semaphore inFlight = new Semaphore(Math.max(s.concurrency(), 1) * 16);
    List<Series.Point> openOverTime = new ArrayList<>();

    OptionalLong rss0 = broker.rssKib();
    OptionalLong cpu0 = broker.cpuNanos();
    long t0 = System.nanoTime();
    long lastReport = t0;
    for (int i = 0; i < s.connections(); i++) {
      if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
        break;
      }
      connector
          .connect(
              connector.clientId("i", i),
              i,
              false,
              sources.get(i % sources.size()),
              new BenchConnection.Listener() {})
          .whenComplete(
              (c, e) -> {
                // counted before the permit returns: the permits say when every attempt is counted
                if (e == null) {
                  open.add(c);
                } else {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, Waits.message(e));
                }
                inFlight.release();
              });
      long now = System.nanoTime();
      if (now - lastReport > TimeUnit.MILLISECONDS.toNanos(250)) {
        lastReport = now;
        openOverTime.add(new Series.Point((now - t0) / 1e9, open.size()));
        progress.update(
            String.format(
                Locale.ROOT, "idle connecting %,8d open  %,d failed", open.size(), failed.get()));
      }
    }
    // every attempt answered (or timed out)
    inFlight.tryAcquire(Math.max(s.concurrency(), 1) * 16, 60, TimeUnit.SECONDS);
    long t1 = System.nanoTime();
    int connected = open.size();
    OptionalLong cpu1 = broker.cpuNanos();
    // let the broker settle (lazy allocations, GC) before reading its memory
    Waits.pause(500);
    OptionalLong rss1 = broker.rssKib();
    long holdStart = System.nanoTime();
    long holdEnd = holdStart + s.duration().toNanos();
    while (System.nanoTime() < holdEnd) {
      Waits.pause(
          Math.min(250, Math.max(1, TimeUnit.NANOSECONDS.toMillis(holdEnd - System.nanoTime()))));
      long now = System.nanoTime();
      long alive = open.stream().filter(c -> c.channel().isActive()).count();
      openOverTime.add(new Series.Point((now - t0) / 1e9, alive));
      progress.update(
          String.format(
              Locale.ROOT, "idle holding %5.1f s  %,8d open", (now - holdStart) / 1e9, alive));
    }
    long holdStop = System.nanoTime();
    OptionalLong cpu2 = broker.cpuNanos();
    OptionalLong rss2 = broker.rssKib();
    long stillOpen = open.stream().filter(c -> c.channel().isActive()).count();

    Figures f = new Figures();
    f.count("connections_requested", s.connections())
        .count("connected", connected)
        .count("failed", failed.get());
    if (firstFailure.get() != null) {
      f.put("first_failure", firstFailure.get());
    }
    f.count("source_addresses", sources.size())
        .measured("connect_seconds", (t1 - t0) / 1e9)
        .measured("connections_per_s", connected * 1e9 / (t1 - t0))
        .measured("hold_seconds", (holdStop - holdStart) / 1e9)
        .count("still_open_after_hold", stillOpen);
    if (rss0.isPresent() && rss1.isPresent() && rss2.isPresent()) {
      f.count("broker_rss_before_kib", rss0.getAsLong())
          .count("broker_rss_held_kib", rss2.getAsLong());
      if (connected > 0) {
        f.measured(
            "broker_rss_kib_per_connection",
            (rss2.getAsLong() - rss0.getAsLong()) / (double) connected);
      }
    }
    f.cpuPerUnit("broker_cpu_us_per_connect", cpu0, cpu1, connected);
    if (cpu1.isPresent() && cpu2.isPresent() && connected > 0) {
      double seconds = (holdStop - holdStart) / 1e9;
      f.measured(
          "broker_cpu_us_per_idle_connection_per_s",
          (cpu2.getAsLong() - cpu1.getAsLong()) / 1000.0 / connected / seconds);
    }

    for (BenchConnection c : open) {
      c.channel().close();
    }
    for (BenchConnection c : open) {
      c.closed().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    return new ScenarioOutput(
        f.map(),
        List.of(
            new Series(
                "open", "Open connections", "time (s)", "connections", false, openOverTime)));
  }

  /** Source addresses for a loopback target; for any other target, the system's choice. */
  private List<Optional<InetSocketAddress>> sources(int count) {
    InetAddress target;
    try {
      target = InetAddress.getByName(connector.target().host());
    } catch (UnknownHostException e) {
      return List.of(Optional.empty());
    }
    if (!target.isLoopbackAddress() || target.getAddress().length != 4) {
      return List.of(Optional.empty());
    }
    List<Optional<InetSocketAddress>> list = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      list.add(Optional.of(new InetSocketAddress("127.0.0." + i, 0)));
    }
    return list;
  }
}
