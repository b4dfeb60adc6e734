package dev.mqttls.cluster.internal.session;

import static dev.mqttls.cluster.internal.session.SessionKeys.INCOMING_QOS2;
import static dev.mqttls.cluster.internal.session.SessionKeys.MESSAGE;
import static dev.mqttls.cluster.internal.session.SessionKeys.PACKET_ID;
import static dev.mqttls.cluster.internal.session.SessionKeys.PUBREL;
import static dev.mqttls.cluster.internal.session.SessionKeys.SESSION;
import static dev.mqttls.cluster.internal.session.SessionKeys.key;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.persistence.JournalCodec;
import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.cluster.internal.ClusterIds;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.infinispan.Cache;
import org.infinispan.distribution.DistributionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's journal, with every persistent session's state mirrored into a distributed cache
 * ({@code cluster_backups} + 1 owners per session, all of one session's entries on the same owners,
 * see {@link SessionKeys}): the session record, its queued and in-flight QoS 1/2 messages with
 * their packet ids, released outgoing QoS 2 ids and incoming QoS 2 ids. Another node reads a
 * session back from there when the client connects to it, or when the node holding it died.
 *
 * <p>Writes of one client id reach the cache in the order they were made (one chain of asynchronous
 * operations per client id). What an acknowledgement depends on (a message queued for a subscriber,
 * an incoming QoS 2 id) is collected per thread and awaited by {@link #whenDurable} and {@code
 * ClusterJournal}: a PUBACK/PUBREC goes out only when the cache's owners (this one and {@code
 * cluster_backups} others, as many as are up) hold it. A session record (CONNACK, SUBACK) is
 * awaited where it is written, at most {@link #WRITE_TIMEOUT_MS}, and so are the packet id of an
 * outgoing QoS 2 message and its release (PUBREC came), before the PUBLISH or PUBREL leaves.
 *
 * <p>Message sequence numbers are made unique cluster-wide and ordered in time (microseconds, with
 * this node's tag in the low bits), because a session carries messages numbered by several nodes
 * once it has moved; the local journal's own numbers are mapped.
 */
public final class ReplicatedJournal implements Journal {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  /** How long a session record write may take before the CONNACK/SUBACK counts it failed. */
  static final long WRITE_TIMEOUT_MS = 5_000;

  /** How long a session read waits for the cache to settle after a view change. */
  static final long SETTLE_TIMEOUT_MS = 15_000;

  private static final byte[] PRESENT = {1};
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private static final FastThreadLocal<List<CompletableFuture<Void>>> PENDING =
      new FastThreadLocal<>() {
        @Override
        protected List<CompletableFuture<Void>> initialValue() {
          return new ArrayList<>();
        }
      };

  private final Journal local;
  private final Cache<String, byte[]> cache;
  private final PersistentNodes persistentNodes;
  private final Ticker ticker;
  private final int copies;
  private final ClusterIds seqs;
  private final Map<Long, Long> localSeqs = new ConcurrentHashMap<>();
  private final Set<Long> qos2 = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
  private final Set<String> handedOver = ConcurrentHashMap.newKeySet();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean stopped;
  private final FastThreadLocal<int[]> failedHere =
      new FastThreadLocal<>() {
        @Override
        protected int[] initialValue() {
          return new int[1];
        }
      };
  private final AtomicLong lastWarn = new AtomicLong();
  private final ExecutorService blocking =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "mqttls-cluster-sessions");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param copies how many nodes hold each session ({@code cluster_backups} + 1), for the log
   */
  public ReplicatedJournal(
      Journal local,
      Cache<String, byte[]> cache,
      PersistentNodes persistentNodes,
      Ticker ticker,
      ClusterIds seqs,
      int copies) {
    this.local = local;
    this.cache = cache;
    this.persistentNodes = persistentNodes;
    this.ticker = ticker;
    this.copies = copies;
    this.seqs = seqs;
  }

  /**
   * The writes made on this thread since the last call that an acknowledgement waits for,
   * completing true when all of them reached the cache's owners; null when there were none.
   */
  public static CompletableFuture<Boolean> takePending() {
    List<CompletableFuture<Void>> list = PENDING.get();
    if (list.isEmpty()) {
      return null;
    }
    CompletableFuture<?>[] all = list.toArray(new CompletableFuture<?>[0]);
    list.clear();
    return CompletableFuture.allOf(all).handle((x, e) -> e == null);
  }

  /**
   * Makes the acknowledgement that follows on this thread (a PUBACK/PUBREC, or the confirmation of
   * a forwarded frame) wait for {@code f}, and become a refusal if it fails.
   */
  public static void awaitBeforeAck(CompletableFuture<Void> f) {
    pending(f);
  }

  // ---- session state, mirrored

  /** Sessions are kept (in the cache) whether or not this node has {@code persistence true}. */
  @Override
  public boolean keepsSessions() {
    return true;
  }

  @Override
  public void putSession(SessionRecord r) {
    local.putSession(r);
    String id = r.clientId();
    if (handedOver.contains(id)) {
      return;
    }
    byte[] value = JournalCodec.session(r);
    persistentNodes.markSelf();
    // Rare (CONNECT, SUBSCRIBE, disconnect) and acknowledged right after: wait here.
    if (!await(
        chain(id, () -> cache.putAsync(key(id, SESSION), value)), "session record of " + id)) {
      failedHere.get()[0]++;
    }
  }

  /** Waits (on the caller's thread) for {@code f}, at most {@link #WRITE_TIMEOUT_MS}. */
  private boolean await(CompletableFuture<Void> f, String what) {
    try {
      f.get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      warn(what, e);
      return false;
    }
  }

  @Override
  public void removeSession(String clientId) {
    local.removeSession(clientId);
    if (!handedOver.contains(clientId)) {
      chain(
          clientId,
          () ->
              CompletableFuture.runAsync(
                  () -> cache.getAdvancedCache().removeGroup(clientId), blocking));
    }
  }

  @Override
  public long putMessage(String clientId, Message m, int qos, boolean retain, List<Integer> ids) {
    long localSeq = local.putMessage(clientId, m, qos, retain, ids);
    if (localSeq == NOT_STORED) {
      return NOT_STORED;
    }
    long seq = nextSeq();
    if (localSeq != 0) {
      localSeqs.put(seq, localSeq);
    }
    if (qos == 2) {
      qos2.add(seq);
    }
    if (!handedOver.contains(clientId)) {
      // Encoded now: the caller releases the message when this returns.
      byte[] value =
          entry(
              m.clusterId(),
              JournalCodec.message(
                  m, qos, retain, ids, ticker.currentTimeMillis(), ticker.nanoTime()));
      pending(chain(clientId, () -> cache.putAsync(key(clientId, MESSAGE, seq), value)));
    }
    return seq;
  }

  @Override
  public void markInFlight(String clientId, long seq, int packetId) {
    Long l = localSeqs.get(seq);
    if (l != null) {
      local.markInFlight(clientId, l, packetId);
    }
    if (!handedOver.contains(clientId)) {
      byte[] value = {(byte) (packetId >> 8), (byte) packetId};
      CompletableFuture<Void> f =
          chain(clientId, () -> cache.putAsync(key(clientId, PACKET_ID, seq), value));
      if (qos2.contains(seq)) {
        // Before the PUBLISH leaves: after a failover it must go out again with this id, or
        // the client would take it for a new message.
        await(f, "packet id of client " + clientId);
      }
    }
  }

  @Override
  public void removeMessage(String clientId, long seq) {
    qos2.remove(seq);
    Long l = localSeqs.remove(seq);
    if (l != null) {
      local.removeMessage(clientId, l);
    }
    if (!handedOver.contains(clientId)) {
      removeEntry(clientId, seq);
    }
  }

  /** Removes a message entry of {@code clientId}'s session, with its packet id. */
  private void removeEntry(String clientId, long seq) {
    chain(
        clientId,
        () ->
            cache
                .removeAsync(key(clientId, MESSAGE, seq))
                .thenCompose(x -> cache.removeAsync(key(clientId, PACKET_ID, seq))));
  }

  @Override
  public void messageReceived(String clientId, long seq, int packetId) {
    qos2.remove(seq);
    Long l = localSeqs.remove(seq);
    if (l != null) {
      // Otherwise the message came with the session from another node: only the cache has it.
      local.messageReceived(clientId, l, packetId);
    }
    if (!handedOver.contains(clientId)) {
      // Awaited before the PUBREL leaves: after a failover the client must get the PUBREL again,
      // not the PUBLISH, which it would take for a new message once it has completed this id.
      await(
          chain(
              clientId,
              () ->
                  cache
                      .putAsync(key(clientId, PUBREL, packetId), PRESENT)
                      .thenCompose(x -> cache.removeAsync(key(clientId, MESSAGE, seq)))
                      .thenCompose(x -> cache.removeAsync(key(clientId, PACKET_ID, seq)))),
          "released id of client " + clientId);
    }
  }

  @Override
  public void removePubrel(String clientId, int packetId) {
    local.removePubrel(clientId, packetId);
    if (!handedOver.contains(clientId)) {
      chain(clientId, () -> cache.removeAsync(key(clientId, PUBREL, packetId)));
    }
  }

  @Override
  public void putIncomingQos2(String clientId, int packetId) {
    local.putIncomingQos2(clientId, packetId);
    if (!handedOver.contains(clientId)) {
      // Before the PUBREC: a resend to another node after a failover must not be routed twice.
      pending(
          chain(clientId, () -> cache.putAsync(key(clientId, INCOMING_QOS2, packetId), PRESENT)));
    }
  }

  @Override
  public void removeIncomingQos2(String clientId, int packetId) {
    local.removeIncomingQos2(clientId, packetId);
    if (!handedOver.contains(clientId)) {
      chain(clientId, () -> cache.removeAsync(key(clientId, INCOMING_QOS2, packetId)));
    }
  }

  // ---- moving a session between nodes

  /**
   * Another node continues {@code clientId}'s session: from now on this node's writes for it (the
   * end of its copy here) stay in the local journal only, until {@link #resume}.
   */
  public void handOver(String clientId) {
    handedOver.add(clientId);
  }

  /** This node holds {@code clientId}'s session again: its writes are mirrored again. */
  public void resume(String clientId) {
    handedOver.remove(clientId);
  }

  /** Completes once every write for {@code clientId} made so far has reached the cache. */
  public CompletableFuture<Void> flushed(String clientId) {
    CompletableFuture<Void> tail = tails.get(clientId);
    return tail == null ? DONE : tail.handle((x, e) -> null);
  }

  /** From now on nothing is written to the cache: this node is leaving the cluster. */
  public void stopMirroring() {
    stopped = true;
  }

  /** Completes once every write made so far, for any client id, has reached the cache. */
  public CompletableFuture<Void> flushedAll() {
    return CompletableFuture.allOf(tails.values().toArray(new CompletableFuture<?>[0]))
        .handle((x, e) -> null);
  }

  /**
   * The subscriptions in {@code clientId}'s session record in the cache (empty when there is none),
   * to route to the session here while the rest of it is still on its way.
   */
  public CompletableFuture<List<ClientSubscription>> subscriptions(String clientId) {
    return cache
        .getAsync(key(clientId, SESSION))
        .thenApply(
            value -> {
              if (value == null) {
                return List.<ClientSubscription>of();
              }
              try {
                return JournalCodec.session(clientId, value).subscriptions();
              } catch (IOException e) {
                return List.<ClientSubscription>of();
              }
            });
  }

  /**
   * Reads {@code clientId}'s session from the cache, after this node's own writes for it; null when
   * the cache holds none (a clean session, an ended one). The caller owns the messages.
   */
  public CompletableFuture<StoredSession> read(String clientId) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_TIMEOUT_MS);
    return flushed(clientId).thenCompose(x -> readSettled(clientId, deadline));
  }

  /**
   * One group read once the cache has settled: while owners move after a view change a group read
   * can come back without entries the cache holds (seen: a session read as none right after a
   * kill), so it waits for the rebalance to end and checks the group against a plain read of the
   * record, which Infinispan routes to its owners whatever the topology.
   */
  private CompletableFuture<StoredSession> readSettled(String clientId, long deadline) {
    return CompletableFuture.supplyAsync(
            () -> {
              DistributionManager dm = cache.getAdvancedCache().getDistributionManager();
              if (dm != null && dm.isRehashInProgress()) {
                return null;
              }
              boolean recorded = cache.get(key(clientId, SESSION)) != null;
              Map<String, byte[]> group = cache.getAdvancedCache().getGroup(clientId);
              return recorded == group.containsKey(key(clientId, SESSION)) ? group : null;
            },
            blocking)
        .thenCompose(
            group -> {
              if (group != null) {
                return CompletableFuture.completedFuture(parse(clientId, group));
              }
              if (System.nanoTime() > deadline) {
                return CompletableFuture.failedFuture(
                    new IllegalStateException("the session cache did not settle"));
              }
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS, blocking))
                  .thenCompose(x -> readSettled(clientId, deadline));
            });
  }

  private StoredSession parse(String clientId, Map<String, byte[]> group) {
    byte[] record = group.get(key(clientId, SESSION));
    if (record == null) {
      return null;
    }
    SessionRecord r;
    try {
      r = JournalCodec.session(clientId, record);
    } catch (IOException e) {
      LOG.warn("Cluster: unreadable session record of client {}: {}", clientId, e.toString());
      return null;
    }
    Map<Long, byte[]> messages = new TreeMap<>(Comparator.naturalOrder());
    Map<Long, Integer> packetIds = new TreeMap<>();
    Set<Integer> pubrels = new LinkedHashSet<>();
    Set<Integer> incoming = new LinkedHashSet<>();
    for (Map.Entry<String, byte[]> e : group.entrySet()) {
      String k = e.getKey();
      switch (SessionKeys.kind(k)) {
        case MESSAGE -> messages.put(SessionKeys.suffix(k), e.getValue());
        case PACKET_ID ->
            packetIds.put(
                SessionKeys.suffix(k), ((e.getValue()[0] & 0xFF) << 8) | (e.getValue()[1] & 0xFF));
        case PUBREL -> pubrels.add((int) SessionKeys.suffix(k));
        case INCOMING_QOS2 -> incoming.add((int) SessionKeys.suffix(k));
        default -> {
          // the record, read above
        }
      }
    }
    List<StoredMessage> out = new ArrayList<>(messages.size());
    // Two nodes may each have queued a message while the session moved between them: one copy is
    // kept, the one with a packet id if one has been sent (else the oldest), and the copies other
    // nodes made are dropped. (Copies one node made are distinct deliveries, e.g. to a shared and
    // an ordinary subscription of the client.)
    Map<Long, Long> keeper = new java.util.HashMap<>();
    for (Map.Entry<Long, byte[]> e : messages.entrySet()) {
      long id = clusterId(e.getValue());
      if (id != 0) {
        Long k = keeper.get(id);
        if (k == null || (!packetIds.containsKey(k) && packetIds.containsKey(e.getKey()))) {
          keeper.put(id, e.getKey());
        }
      }
    }
    EmbeddedChannel decoder = JournalCodec.decoder();
    long nowMillis = ticker.currentTimeMillis();
    long nowNanos = ticker.nanoTime();
    try {
      for (Map.Entry<Long, byte[]> e : messages.entrySet()) {
        long seq = e.getKey();
        byte[] value = e.getValue();
        long id = clusterId(value);
        if (id != 0 && ClusterIds.tag(keeper.get(id)) != ClusterIds.tag(seq)) {
          removeEntry(clientId, seq);
          continue;
        }
        try {
          StoredMessage m =
              JournalCodec.message(
                  seq,
                  Arrays.copyOfRange(value, 8, value.length),
                  packetIds.getOrDefault(seq, 0),
                  decoder,
                  nowMillis,
                  nowNanos);
          if (m != null) {
            m.message().clusterId(id);
            out.add(m);
            if (m.qos() == 2) {
              qos2.add(seq);
            }
          }
        } catch (IOException | RuntimeException ex) {
          LOG.warn("Cluster: unreadable message of client {}: {}", clientId, ex.toString());
          decoder.finishAndReleaseAll();
          decoder = JournalCodec.decoder();
        }
      }
    } finally {
      decoder.finishAndReleaseAll();
    }
    return new StoredSession(r, out, pubrels, incoming);
  }

  // ---- the rest is this node's journal

  @Override
  public void putRetained(String topic, Message m) {
    local.putRetained(topic, m);
  }

  /**
   * The local journal's sessions at start-up, each mirrored into the cache and renumbered; a
   * session the cache holds already (another node continued it while this one was down) is dropped
   * here instead, since that copy is the newer one.
   */
  @Override
  public List<StoredSession> load(BiConsumer<String, Message> retained) {
    List<StoredSession> out = new ArrayList<>();
    for (StoredSession ss : local.load(retained)) {
      String id = ss.record().clientId();
      if (cache.containsKey(key(id, SESSION))) {
        LOG.info("Cluster: session of client {} continued on another node; local copy dropped", id);
        ss.messages().forEach(m -> m.message().release());
        local.removeSession(id);
        continue;
      }
      long nowMillis = ticker.currentTimeMillis();
      long nowNanos = ticker.nanoTime();
      List<StoredMessage> renumbered = new ArrayList<>(ss.messages().size());
      for (StoredMessage m : ss.messages()) {
        long seq = nextSeq();
        localSeqs.put(seq, m.seq());
        if (m.qos() == 2) {
          qos2.add(seq);
        }
        renumbered.add(
            new StoredMessage(seq, m.message(), m.qos(), m.retain(), m.ids(), m.packetId()));
        cache.put(
            key(id, MESSAGE, seq),
            entry(
                m.message().clusterId(),
                JournalCodec.message(
                    m.message(), m.qos(), m.retain(), m.ids(), nowMillis, nowNanos)));
        if (m.packetId() != 0) {
          cache.put(
              key(id, PACKET_ID, seq),
              new byte[] {(byte) (m.packetId() >> 8), (byte) m.packetId()});
        }
      }
      ss.pubrels().forEach(p -> cache.put(key(id, PUBREL, p), PRESENT));
      ss.incomingQos2().forEach(p -> cache.put(key(id, INCOMING_QOS2, p), PRESENT));
      cache.put(key(id, SESSION), JournalCodec.session(ss.record()));
      out.add(new StoredSession(ss.record(), renumbered, ss.pubrels(), ss.incomingQos2()));
    }
    return out;
  }

  @Override
  public int failedWrites() {
    return local.failedWrites() + failedHere.get()[0];
  }

  @Override
  public boolean writable() {
    return local.writable();
  }

  /** As the local journal's, after this thread's pending cache writes. */
  @Override
  public void whenDurable(Executor loop, Durable ack) {
    CompletableFuture<Boolean> replicated = takePending();
    if (replicated == null) {
      local.whenDurable(loop, ack);
      return;
    }
    local.whenDurable(
        loop,
        stored -> {
          if (replicated.isDone()) {
            ack.done(stored && replicated.join());
          } else {
            replicated.whenComplete((ok, e) -> loop.execute(() -> ack.done(stored && ok)));
          }
        });
  }

  @Override
  public String refusal() {
    return local.refusal();
  }

  @Override
  public String describe() {
    return local.describe() + ", sessions in a distributed cache (" + copies + " copies)";
  }

  @Override
  public void close() {
    blocking.shutdownNow();
    local.close();
  }

  // ---- writing

  private long nextSeq() {
    return seqs.next();
  }

  /** A message entry: the message's cluster id (8 bytes), then the journal's encoding. */
  private static byte[] entry(long clusterId, byte[] encoded) {
    byte[] out = new byte[8 + encoded.length];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (clusterId >>> (56 - 8 * i));
    }
    System.arraycopy(encoded, 0, out, 8, encoded.length);
    return out;
  }

  private static long clusterId(byte[] entry) {
    long id = 0;
    for (int i = 0; i < 8; i++) {
      id = (id << 8) | (entry[i] & 0xFF);
    }
    return id;
  }

  private static void pending(CompletableFuture<Void> f) {
    List<CompletableFuture<Void>> list = PENDING.get();
    if (list.size() >= 256) {
      // A thread that writes without ever acknowledging (none should): keep the list bounded.
      list.removeIf(CompletableFuture::isDone);
    }
    list.add(f);
  }

  /** Runs {@code op} after every earlier write of {@code clientId}, failed or not. */
  private CompletableFuture<Void> chain(String clientId, Supplier<CompletionStage<?>> op) {
    if (stopped) {
      return DONE;
    }
    CompletableFuture<Void> next =
        tails.compute(
            clientId,
            (k, prev) ->
                (prev == null ? DONE : prev.handle((x, e) -> (Void) null))
                    .thenCompose(x -> op.get().thenApply(y -> (Void) null)));
    next.whenComplete(
        (x, e) -> {
          tails.remove(clientId, next);
          if (e != null) {
            failed.incrementAndGet();
            warn("client " + clientId, e);
          }
        });
    return next;
  }

  private void warn(String what, Throwable e) {
    if (stopped) {
      // Leaving: a write queued before that found the cache stopping; its acknowledgement was
      // withheld, so nothing is lost by it.
      LOG.debug(
          "Cluster: session write not made, this node is leaving ({}): {}", what, e.toString());
      return;
    }
    long now = System.nanoTime();
    long last = lastWarn.get();
    if (now - last > TimeUnit.SECONDS.toNanos(10) && lastWarn.compareAndSet(last, now)) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      LOG.warn(
          "Cluster: a session write to the distributed cache failed ({}; {} so far): {}",
          what,
          failed.get(),
          t.toString());
    }
  }
}
