package dev.mqttls.cluster.internal.routing;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.cluster.internal.session.ReplicatedJournal;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * This node's journal, with acknowledgements that also wait for the other nodes a QoS 1/2 PUBLISH
 * was forwarded to ({@link ClusterRouter}): a PUBACK/PUBREC goes out only once every node with a
 * matching subscriber has routed the message (and this node's journal holds what it must). A node
 * that does not confirm within the forwarder's timeout makes the acknowledgement a refusal, so the
 * client sends the message again. It also waits for the session writes the PUBLISH made into the
 * distributed session cache ({@link ReplicatedJournal}, which is the journal it wraps).
 *
 * <p>Acknowledgements leave each event loop in the order they were asked for (MQTT 4.6), whichever
 * node confirms first: one queue per loop thread, drained from its head.
 */
public final class ClusterJournal implements Journal {
  private static final CompletableFuture<Boolean> NOTHING_REMOTE =
      CompletableFuture.completedFuture(true);

  private static final FastThreadLocal<ArrayDeque<Waiting>> QUEUES =
      new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<Waiting> initialValue() {
          return new ArrayDeque<>();
        }
      };

  /** Whether the acknowledgement being made on this thread is refused for want of other nodes. */
  private static final FastThreadLocal<Boolean> REMOTE_REFUSED = new FastThreadLocal<>();

  private final Journal local;

  public ClusterJournal(Journal local) {
    this.local = local;
  }

  /** The journal of this node alone (for what other nodes forward here). */
  public Journal local() {
    return local;
  }

  @Override
  public void whenDurable(Executor loop, Durable ack) {
    CompletableFuture<Boolean> remote =
        both(ClusterRouter.takeForwarded(), ReplicatedJournal.takePending());
    ArrayDeque<Waiting> queue = QUEUES.get();
    if (remote == null && queue.isEmpty()) {
      local.whenDurable(loop, ack);
      return;
    }
    Waiting w = new Waiting(remote == null ? NOTHING_REMOTE : remote, ack);
    queue.add(w);
    local.whenDurable(
        loop,
        stored -> {
          w.stored = stored;
          w.localDone = true;
          drain(queue);
        });
    if (!w.remote.isDone()) {
      w.remote.whenComplete((ok, e) -> loop.execute(() -> drain(queue)));
    }
  }

  private static CompletableFuture<Boolean> both(
      CompletableFuture<Boolean> a, CompletableFuture<Boolean> b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a.thenCombine(b, (x, y) -> x && y);
  }

  private static void drain(ArrayDeque<Waiting> queue) {
    for (Waiting w = queue.peek(); w != null; w = queue.peek()) {
      if (!w.localDone || !w.remote.isDone()) {
        return;
      }
      queue.poll();
      boolean remote = Boolean.TRUE.equals(w.remote.getNow(false));
      // Read by refusal(), which the acknowledgement calls on this thread when it refuses.
      REMOTE_REFUSED.set(w.stored && !remote);
      w.ack.done(w.stored && remote);
      REMOTE_REFUSED.set(false);
    }
  }

  private static final class Waiting {
    final CompletableFuture<Boolean> remote;
    final Durable ack;
    boolean localDone;
    boolean stored;

    Waiting(CompletableFuture<Boolean> remote, Durable ack) {
      this.remote = remote;
      this.ack = ack;
    }
  }

  // ---- the rest is this node's journal

  @Override
  public boolean keepsSessions() {
    return local.keepsSessions();
  }

  @Override
  public void putSession(SessionRecord r) {
    local.putSession(r);
  }

  @Override
  public void removeSession(String clientId) {
    local.removeSession(clientId);
  }

  @Override
  public long putMessage(String clientId, Message m, int qos, boolean retain, List<Integer> ids) {
    return local.putMessage(clientId, m, qos, retain, ids);
  }

  @Override
  public void markInFlight(String clientId, long seq, int packetId) {
    local.markInFlight(clientId, seq, packetId);
  }

  @Override
  public void removeMessage(String clientId, long seq) {
    local.removeMessage(clientId, seq);
  }

  @Override
  public void messageReceived(String clientId, long seq, int packetId) {
    local.messageReceived(clientId, seq, packetId);
  }

  @Override
  public void removePubrel(String clientId, int packetId) {
    local.removePubrel(clientId, packetId);
  }

  @Override
  public void putIncomingQos2(String clientId, int packetId) {
    local.putIncomingQos2(clientId, packetId);
  }

  @Override
  public void removeIncomingQos2(String clientId, int packetId) {
    local.removeIncomingQos2(clientId, packetId);
  }

  @Override
  public void putRetained(String topic, Message m) {
    local.putRetained(topic, m);
  }

  @Override
  public List<StoredSession> load(BiConsumer<String, Message> retained) {
    return local.load(retained);
  }

  @Override
  public int failedWrites() {
    return local.failedWrites();
  }

  @Override
  public boolean writable() {
    return local.writable();
  }

  @Override
  public String refusal() {
    if (Boolean.TRUE.equals(REMOTE_REFUSED.getIfExists())) {
      return "message not confirmed by every cluster node that must hold it (a node left or did"
          + " not answer): send it again";
    }
    return local.refusal();
  }

  @Override
  public String describe() {
    return local.describe();
  }

  @Override
  public void close() {
    local.close();
  }
}
