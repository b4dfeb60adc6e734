package dev.mqttls.broker.internal.metrics;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A {@link Journal} that times what it passes on: each write ({@code mqttls_store_write_seconds})
 * and each wait for durability, the fsync an acknowledgement waits for ({@code
 * mqttls_store_commit_seconds}). Only a journal that keeps sessions is wrapped: without persistence
 * there is nothing to time.
 */
final class TimedJournal implements Journal {
  private final Journal j;
  private final Ticker ticker;
  private final Timer write;
  private final Timer commit;

  TimedJournal(Journal j, Ticker ticker, MeterRegistry r) {
    this.j = j;
    this.ticker = ticker;
    this.write = timer(r, "mqttls.store.write", "Time of one write to the store (no fsync)");
    this.commit =
        timer(r, "mqttls.store.commit", "Time an acknowledgement waits for the store's fsync");
  }

  private static Timer timer(MeterRegistry r, String name, String help) {
    return Timer.builder(name)
        .description(help)
        .serviceLevelObjectives(
            Duration.ofNanos(50_000),
            Duration.ofNanos(100_000),
            Duration.ofNanos(250_000),
            Duration.ofNanos(500_000),
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            Duration.ofSeconds(1))
        .register(r);
  }

  private long start() {
    return ticker.nanoTime();
  }

  private void done(long start) {
    write.record(ticker.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  @Override
  public boolean keepsSessions() {
    return j.keepsSessions();
  }

  @Override
  public void putSession(SessionRecord r) {
    long t = start();
    j.putSession(r);
    done(t);
  }

  @Override
  public void removeSession(String clientId) {
    long t = start();
    j.removeSession(clientId);
    done(t);
  }

  @Override
  public long putMessage(String clientId, Message m, int qos, boolean retain, List<Integer> ids) {
    long t = start();
    long seq = j.putMessage(clientId, m, qos, retain, ids);
    done(t);
    return seq;
  }

  @Override
  public void markInFlight(String clientId, long seq, int packetId) {
    long t = start();
    j.markInFlight(clientId, seq, packetId);
    done(t);
  }

  @Override
  public void removeMessage(String clientId, long seq) {
    long t = start();
    j.removeMessage(clientId, seq);
    done(t);
  }

  @Override
  public void messageReceived(String clientId, long seq, int packetId) {
    long t = start();
    j.messageReceived(clientId, seq, packetId);
    done(t);
  }

  @Override
  public void removePubrel(String clientId, int packetId) {
    long t = start();
    j.removePubrel(clientId, packetId);
    done(t);
  }

  @Override
  public void putIncomingQos2(String clientId, int packetId) {
    long t = start();
    j.putIncomingQos2(clientId, packetId);
    done(t);
  }

  @Override
  public void removeIncomingQos2(String clientId, int packetId) {
    long t = start();
    j.removeIncomingQos2(clientId, packetId);
    done(t);
  }

  @Override
  public void putRetained(String topic, Message m) {
    long t = start();
    j.putRetained(topic, m);
    done(t);
  }

  @Override
  public List<StoredSession> load(BiConsumer<String, Message> retained) {
    return j.load(retained);
  }

  @Override
  public int failedWrites() {
    return j.failedWrites();
  }

  @Override
  public boolean writable() {
    return j.writable();
  }

  @Override
  public void whenDurable(Executor loop, Durable ack) {
    long t = start();
    j.whenDurable(
        loop,
        stored -> {
          commit.record(ticker.nanoTime() - t, TimeUnit.NANOSECONDS);
          ack.done(stored);
        });
  }

  @Override
  public String refusal() {
    return j.refusal();
  }

  @Override
  public String describe() {
    return j.describe();
  }

  @Override
  public void close() {
    j.close();
  }
}
