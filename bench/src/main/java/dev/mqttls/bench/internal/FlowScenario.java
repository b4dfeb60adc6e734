package dev.mqttls.bench.internal;

import dev.mqttls.bench.BenchSettings;
import dev.mqttls.bench.Series;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Throughput and latency: P publishers to S subscribers, every subscriber receiving every message.
 *
 * <p>Each payload carries the publisher's index, a sequence number and the time the message was
 * <em>intended</em> to be sent, so the subscribers find loss and duplicates per publisher and
 * measure latency without coordinated omission: in the open loop (a rate) the intended time is the
 * schedule's, and a message held back by a stalled broker is sent late but stamped on time.
 *
 * <p>In the closed loop a publisher may be at most {@code window} messages ahead of what the
 * subscribers have received of its messages on average (end to end, not just acknowledged; one
 * shared count per publisher keeps the hot path cheap, so with subscribers of unequal speed the
 * slowest may be up to S × window behind). If nothing arrives for half a second with the window
 * full (QoS 0 loss), the window is freed and the stall counted.
 *
 * <p>A slow subscriber ({@code --subscriber-delay-us}) stops reading its socket (auto-read off)
 * until its next message is due, instead of blocking its event loop: the broker sees a consumer
 * that reads slowly, and the other connections on that loop are served as usual.
 *
 * <p>Publisher and subscriber state is confined to each connection's event loop; only the
 * per-publisher delivery counts, which the closed loop needs across loops, are shared.
 */
final class FlowScenario {
  private static final int HEADER = BenchSettings.MIN_PAYLOAD;
  private static final int MAX_UNACKED = 65_000;
  private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  // a slow subscriber pauses reading only when this far ahead of its pace: fewer, longer pauses
  private static final int SLOW_READ_BYTES = 4096;
  private static final int SLOW_SOCKET_BUFFER = 64 * 1024;
  private static final long PACE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Connector connector;
  private final BenchSettings s;
  private final Progress progress;
  private final BrokerProc broker;
  private final AtomicLongArray delivered;
  private final String topicBase;
  private final Pub[] pubs;
  private final Sub[] subs;

  FlowScenario(Connector connector, Progress progress, String runTag) {
    this.connector = connector;
    this.s = connector.settings();
    this.progress = progress;
    this.broker = new BrokerProc(connector.target().brokerPid());
    this.delivered = new AtomicLongArray(s.publishers());
    this.topicBase = "mqttls-bench/" + runTag;
    this.pubs = new Pub[s.publishers()];
    this.subs = new Sub[s.subscribers()];
  }

  ScenarioOutput run() throws InterruptedException {
    String filter = s.topicPerPublisher() ? topicBase + "/+" : topicBase;
    List<CompletableFuture<BenchConnection>> connecting = new ArrayList<>();
    for (int i = 0; i < subs.length; i++) {
      subs[i] = new Sub(s.slowSubscriber(i));
      connecting.add(
          connector.connect(connector.clientId("s", i), i, true, Optional.empty(), subs[i]));
    }
    List<BenchConnection> subConns =
        Waits.all(connecting, Duration.ofSeconds(30), "connecting subscribers");
    List<CompletableFuture<Void>> subscribing = new ArrayList<>();
    for (int i = 0; i < subs.length; i++) {
      subs[i].conn = subConns.get(i);
      if (s.slowSubscriber(i)) {
        // Small reads, so that a slow subscriber reads a little often rather than a lot rarely;
        // a small socket buffer, as a slow device has, so that the backlog waits in the broker
        // (and its limits) rather than in a loopback buffer that Linux lets grow to 32 MiB.
        ChannelConfig config = subs[i].conn.channel().config();
        config.setRecvByteBufAllocator(new FixedRecvByteBufAllocator(SLOW_READ_BYTES));
        config.setOption(ChannelOption.SO_RCVBUF, SLOW_SOCKET_BUFFER);
      }
    }
    for (BenchConnection c : subConns) {
      subscribing.add(c.subscribe(filter, s.qos()));
    }
    Waits.all(subscribing, Duration.ofSeconds(30), "subscribing to " + filter);
    connecting.clear();
    for (int i = 0; i < pubs.length; i++) {
      pubs[i] = new Pub(i, s.topicPerPublisher() ? topicBase + "/" + i : topicBase);
      connecting.add(
          connector.connect(
              connector.clientId("p", i), subs.length + i, true, Optional.empty(), pubs[i]));
    }
    List<BenchConnection> pubConns =
        Waits.all(connecting, Duration.ofSeconds(30), "connecting publishers");
    try {
      return measure(pubConns);
    } finally {
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      for (BenchConnection c : pubConns) {
        closing.add(c.disconnect());
      }
      for (BenchConnection c : subConns) {
        closing.add(c.disconnect());
      }
      try {
        Waits.all(closing, Duration.ofSeconds(10), "disconnecting");
      } catch (RuntimeException e) {
        // a broker that does not close promptly changes no figure
      }
    }
  }

  private ScenarioOutput measure(List<BenchConnection> pubConns) throws InterruptedException {
    for (int i = 0; i < pubs.length; i++) {
      pubs[i].conn = pubConns.get(i);
    }
    List<Series.Point> rate = new ArrayList<>();
    OptionalLong cpu0 = broker.cpuNanos();
    long t0 = System.nanoTime();
    for (Pub p : pubs) {
      p.start(t0);
    }
    long end = t0 + s.duration().toNanos();
    long lastN = 0;
    long lastT = t0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      Waits.pause(Math.min(250, TimeUnit.NANOSECONDS.toMillis(end - now) + 1));
      long n = totalDelivered();
      long t = System.nanoTime();
      double perSecond = (n - lastN) * 1e9 / (t - lastT);
      rate.add(new Series.Point((t - t0) / 1e9, perSecond));
      progress.update(
          String.format(
              Locale.ROOT,
              "%s %5.1f s  %,12d delivered  %,10.0f msgs/s",
              s.scenario().cliName(),
              (t - t0) / 1e9,
              n,
              perSecond));
      lastN = n;
      lastT = t;
    }
    List<CompletableFuture<Long>> stopping = new ArrayList<>();
    for (Pub p : pubs) {
      stopping.add(p.stop());
    }
    long sent =
        Waits.all(stopping, Duration.ofSeconds(10), "stopping publishers").stream()
            .mapToLong(Long::longValue)
            .sum();
    long t1 = System.nanoTime();
    OptionalLong cpu1 = broker.cpuNanos();
    long deliveredAtStop = totalDelivered();
    drain(sent * subs.length);

    Histogram latency = new Histogram(3);
    long received = 0;
    long duplicates = 0;
    long distinct = 0;
    long slowDistinct = 0;
    int slowCount = 0;
    long foreign = 0;
    List<BitSet[]> seen = new ArrayList<>();
    for (Sub sub : subs) {
      Sub.Snapshot snap = onLoop(sub.conn.channel(), sub::snapshot);
      latency.add(snap.latency());
      received += snap.received();
      duplicates += snap.duplicates();
      foreign += snap.foreign();
      seen.add(snap.seen());
      long mine = 0;
      for (BitSet b : snap.seen()) {
        mine += b.cardinality();
      }
      distinct += mine;
      if (sub.delayNanos > 0) {
        slowDistinct += mine;
        slowCount++;
      }
    }
    long acked = 0;
    long ackedNeverDelivered = 0;
    long stalls = 0;
    for (Pub p : pubs) {
      Pub.Snapshot snap = onLoop(p.conn.channel(), p::snapshot);
      acked += snap.acked().cardinality();
      stalls += snap.windowStalls();
      for (int seq = snap.acked().nextSetBit(0); seq >= 0; seq = snap.acked().nextSetBit(seq + 1)) {
        for (BitSet[] perSub : seen) {
          if (!perSub[p.index].get(seq)) {
            ackedNeverDelivered++;
            break;
          }
        }
      }
    }
    long dropped = 0;
    String firstDrop = null;
    for (Pub p : pubs) {
      String why = p.conn.dropCause();
      if (why != null) {
        dropped++;
        firstDrop = firstDrop == null ? "publisher: " + why : firstDrop;
      }
    }
    for (Sub sub : subs) {
      String why = sub.conn.dropCause();
      if (why != null) {
        dropped++;
        firstDrop = firstDrop == null ? "subscriber: " + why : firstDrop;
      }
    }
    double seconds = (t1 - t0) / 1e9;
    long expected = sent * subs.length;
    Figures f = new Figures();
    f.count("publishers", pubs.length)
        .count("subscribers", subs.length)
        .count("qos", s.qos().code())
        .count("payload_bytes", s.payloadSize())
        .count("subscriber_delay_us", s.subscriberDelayMicros())
        .put("topics", s.topicPerPublisher() ? "one per publisher" : "one")
        .put("loop", s.rate() > 0 ? "open" : "closed")
        .count(s.rate() > 0 ? "rate_msgs_per_s" : "window", s.rate() > 0 ? s.rate() : s.window())
        .measured("seconds", seconds)
        .count("sent", sent)
        .count("expected_deliveries", expected)
        .count("delivered", distinct)
        .count("lost", expected - distinct)
        .count("duplicates", duplicates)
        .count("received", received);
    if (slowCount > 0) {
      // what the slow subscribers cost the others: their share of the loss apart
      long slowExpected = sent * slowCount;
      long othersExpected = expected - slowExpected;
      f.count("slow_subscribers_delivered", slowDistinct)
          .count("slow_subscribers_lost", slowExpected - slowDistinct)
          .count("other_subscribers_delivered", distinct - slowDistinct)
          .count("other_subscribers_lost", othersExpected - (distinct - slowDistinct));
    }
    f.count("connections_dropped_by_broker", dropped);
    if (firstDrop != null) {
      f.put("first_drop", firstDrop);
    }
    if (foreign > 0) {
      f.count("foreign_messages", foreign);
    }
    if (s.qos() != Qos.AT_MOST_ONCE) {
      f.count("acknowledged", acked)
          .count("acknowledged_never_delivered", ackedNeverDelivered)
          .count("unacknowledged_at_end", sent - acked);
    }
    if (s.rate() == 0) {
      f.count("window_stalls", stalls);
    }
    f.measured("publish_rate_msgs_per_s", sent / seconds)
        .measured("delivery_rate_msgs_per_s", deliveredAtStop / seconds)
        .percentilesMs("latency", latency)
        .cpuPerUnit("broker_cpu_us_per_delivered_msg", cpu0, cpu1, deliveredAtStop);
    if (cpu0.isPresent() && cpu1.isPresent()) {
      f.measured("broker_cpu_percent", (cpu1.getAsLong() - cpu0.getAsLong()) * 100.0 / (t1 - t0));
    }
    List<Series> series =
        List.of(
            new Series("rate", "Delivered messages per second", "time (s)", "msgs/s", false, rate),
            Plots.percentileCurve(
                "latency", "End-to-end latency (from intended send time)", latency));
    return new ScenarioOutput(f.map(), series);
  }

  private long totalDelivered() {
    long n = 0;
    for (int i = 0; i < delivered.length(); i++) {
      n += delivered.get(i);
    }
    return n;
  }

  /** Waits until everything expected arrived, or nothing more has for a second (10 s at most). */
  private void drain(long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long last = -1;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long n = totalDelivered();
      boolean acksDone = true;
      for (Pub p : pubs) {
        acksDone &= p.outstandingVolatile == 0;
      }
      if (n >= expected && acksDone) {
        return;
      }
      if (n != last) {
        last = n;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(1)) {
        return;
      }
      Waits.pause(20);
    }
  }

  private static <T> T onLoop(Channel ch, java.util.concurrent.Callable<T> task)
      throws InterruptedException {
    try {
      return ch.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("reading the results on the event loop failed", e);
    }
  }

  /** A subscriber: which messages of each publisher it saw, and their latency. */
  private final class Sub implements BenchConnection.Listener {
    record Snapshot(
        BitSet[] seen, Histogram latency, long received, long duplicates, long foreign) {}

    private final BitSet[] seen = new BitSet[pubs.length];
    private final Histogram latency = new Histogram(3);
    private final long delayNanos;
    private long nextDueNanos;
    private long received;
    private long duplicates;
    private long foreign;
    BenchConnection conn;

    Sub(boolean slow) {
      delayNanos = slow ? TimeUnit.MICROSECONDS.toNanos(s.subscriberDelayMicros()) : 0;
      for (int i = 0; i < seen.length; i++) {
        seen[i] = new BitSet();
      }
    }

    @Override
    public void onPublish(BenchConnection c, Publish p) {
      long now = System.nanoTime();
      ByteBuf b = p.payload();
      int at = b.readerIndex();
      if (b.readableBytes() < HEADER) {
        foreign++;
        return;
      }
      int pub = b.getInt(at);
      long seq = b.getLong(at + 4);
      long intended = b.getLong(at + 12);
      if (pub < 0 || pub >= seen.length || seq < 0 || seq >= Integer.MAX_VALUE) {
        foreign++;
        return;
      }
      received++;
      if (seen[pub].get((int) seq)) {
        duplicates++;
        return;
      }
      seen[pub].set((int) seq);
      latency.recordValue(Math.max(1, (now - intended) / 1000));
      delivered.incrementAndGet(pub);
      pubs[pub].deliveredSome();
      if (delayNanos > 0) {
        pace(c.channel(), now);
      }
    }

    /**
     * Charges this message its delay; once ahead of its pace, stops reading the socket until the
     * pace catches up. Messages already read are still handled, and the pause makes up for them.
     */
    private void pace(Channel ch, long now) {
      nextDueNanos = Math.max(nextDueNanos, now) + delayNanos;
      long ahead = nextDueNanos - now;
      if (ahead > PACE_SLACK_NANOS && ch.config().isAutoRead()) {
        ch.config().setAutoRead(false);
        ch.eventLoop().schedule(() -> ch.config().setAutoRead(true), ahead, TimeUnit.NANOSECONDS);
      }
    }

    Snapshot snapshot() {
      BitSet[] copy = new BitSet[seen.length];
      for (int i = 0; i < seen.length; i++) {
        copy[i] = (BitSet) seen[i].clone();
      }
      return new Snapshot(copy, latency.copy(), received, duplicates, foreign);
    }
  }

  /** A publisher: sends on its event loop, paced by the window or the rate. */
  private final class Pub implements BenchConnection.Listener {
    record Snapshot(BitSet acked, long windowStalls) {}

    final int index;
    private final String topic;
    private final int[] seqByPacketId = new int[65536];
    private final BitSet acked = new BitSet();
    private final double perSecond;
    BenchConnection conn;
    private EventLoop loop;
    private ScheduledFuture<?> timer;
    private long start;
    private long nextSeq;
    private int nextPacketId;
    private int outstanding;
    volatile int outstandingVolatile;
    private volatile boolean waiting;
    private boolean stopped;
    private long presumedLost;
    private long windowStalls;
    private long lastDelivered;
    private long lastProgress;

    Pub(int index, String topic) {
      this.index = index;
      this.topic = topic;
      this.perSecond = s.rate() / (double) s.publishers();
      Arrays.fill(seqByPacketId, -1);
    }

    void start(long t0) {
      loop = conn.channel().eventLoop();
      loop.execute(
          () -> {
            start = t0;
            lastProgress = System.nanoTime();
            if (s.rate() > 0) {
              timer = loop.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.MILLISECONDS);
            } else {
              timer = loop.scheduleAtFixedRate(this::checkStall, 10, 10, TimeUnit.MILLISECONDS);
              pump();
            }
          });
    }

    CompletableFuture<Long> stop() {
      CompletableFuture<Long> f = new CompletableFuture<>();
      loop.execute(
          () -> {
            stopped = true;
            if (timer != null) {
              timer.cancel(false);
            }
            conn.channel().flush();
            f.complete(nextSeq);
          });
      return f;
    }

    /** Closed loop: send while the window, the channel and the packet ids allow. */
    private void pump() {
      waiting = false;
      if (stopped) {
        return;
      }
      int n = 0;
      while (n < 256 && canSend()) {
        send(System.nanoTime());
        n++;
      }
      if (n > 0) {
        conn.channel().flush();
      }
      if (n == 256) {
        loop.execute(this::pump); // let the loop read acknowledgements in between
        return;
      }
      waiting = true;
      if (canSend()) {
        waiting = false;
        loop.execute(this::pump);
      }
    }

    private boolean canSend() {
      if (!conn.channel().isWritable()
          || (s.qos() != Qos.AT_MOST_ONCE && outstanding >= MAX_UNACKED)) {
        return false;
      }
      long endToEnd = delivered.get(index) / subs.length + presumedLost;
      return nextSeq - endToEnd < s.window();
    }

    /** Called from subscribers' loops when one of our messages arrived. */
    void deliveredSome() {
      if (waiting) {
        waiting = false;
        loop.execute(this::pump);
      }
    }

    private void checkStall() {
      long d = delivered.get(index);
      long now = System.nanoTime();
      if (d != lastDelivered) {
        lastDelivered = d;
        lastProgress = now;
      } else if (now - lastProgress > STALL_NANOS
          && nextSeq - (d / subs.length + presumedLost) >= s.window()) {
        // QoS 0 messages were dropped: they will never arrive to free the window
        presumedLost = nextSeq - d / subs.length;
        windowStalls++;
        lastProgress = now;
        pump();
      }
    }

    /** Open loop: send every message whose intended time has come, stamped with that time. */
    private void tick() {
      if (stopped) {
        return;
      }
      long due = (long) ((System.nanoTime() - start) * perSecond / 1e9) + 1;
      int n = 0;
      while (nextSeq < due
          && conn.channel().isWritable()
          && (s.qos() == Qos.AT_MOST_ONCE || outstanding < MAX_UNACKED)) {
        send(start + (long) (nextSeq * 1e9 / perSecond));
        n++;
      }
      if (n > 0) {
        conn.channel().flush();
      }
    }

    private void send(long intendedNanos) {
      ByteBuf payload = conn.channel().alloc().buffer(s.payloadSize());
      payload.writeInt(index).writeLong(nextSeq).writeLong(intendedNanos);
      payload.writeZero(s.payloadSize() - HEADER);
      int packetId = 0;
      if (s.qos() != Qos.AT_MOST_ONCE) {
        do {
          nextPacketId = nextPacketId % 65535 + 1;
        } while (seqByPacketId[nextPacketId] >= 0);
        packetId = nextPacketId;
        seqByPacketId[packetId] = (int) nextSeq;
        outstanding++;
        outstandingVolatile = outstanding;
      }
      conn.channel()
          .write(
              new Publish(false, s.qos(), false, topic, packetId, MqttProperties.EMPTY, payload),
              conn.channel().voidPromise());
      nextSeq++;
    }

    @Override
    public void onAcked(BenchConnection c, int packetId) {
      int seq = seqByPacketId[packetId];
      if (seq < 0) {
        return;
      }
      seqByPacketId[packetId] = -1;
      acked.set(seq);
      outstanding--;
      outstandingVolatile = outstanding;
      if (waiting && s.rate() == 0) {
        pump();
      }
    }

    @Override
    public void onWritable(BenchConnection c) {
      if (s.rate() > 0) {
        tick();
      } else {
        pump();
      }
    }

    Snapshot snapshot() {
      return new Snapshot((BitSet) acked.clone(), windowStalls);
    }
  }
}
