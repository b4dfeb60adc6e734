package dev.mqttls.cluster.internal.will;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.session.Wills;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.codec.Will;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part of wills across the cluster: a CONNECT with a will puts it into the replicated
 * wills cache (key: client id) before its CONNACK, a CONNECT without one removes what an earlier
 * connection of the client id left (on any node), and the will leaves the cache when its connection
 * publishes or drops it. What stays there when a node dies, {@link DeadNodeWills} publishes.
 *
 * <p>A will that could not be replicated (Infinispan's put failed) stays with its connection only:
 * the CONNACK still goes out, and the log says so.
 */
public final class ReplicatedWills implements Wills {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  private final Cache<String, String> cache;

  /** For writes whose previous value nobody reads: no value travels back. */
  private final Cache<String, String> quiet;

  private final String self;
  private final Ticker ticker;
  private final String incarnation;
  private final AtomicLong connections = new AtomicLong();

  /** Removals on their way, so that a closing node lets them finish (see {@link #drain}). */
  private final Set<CompletableFuture<?>> removing = ConcurrentHashMap.newKeySet();

  public ReplicatedWills(Cache<String, String> cache, String self, Ticker ticker) {
    this.cache = cache;
    this.quiet = cache.getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES);
    this.self = self;
    this.ticker = ticker;
    // A node restarted under the same name must not make the stamps of its former life.
    this.incarnation = self + "/" + Long.toString(System.currentTimeMillis(), 36);
  }

  /** This node in this life: the prefix of its connections' stamps. */
  public String incarnation() {
    return incarnation;
  }

  @Override
  public Pending connected(String clientId, Will will, long delaySeconds) {
    if (will == null) {
      if (!cache.containsKey(clientId)) {
        return Pending.NONE;
      }
      // A new connection of this client id, without a will: an earlier one's is never due.
      CompletableFuture<Void> removed = new CompletableFuture<>();
      quiet
          .removeAsync(clientId)
          .whenComplete(
              (old, e) -> {
                if (e != null) {
                  LOG.warn(
                      "Cluster: could not drop the earlier will of {}: {}", clientId, e.toString());
                }
                removed.complete(null);
              });
      return new Kept(clientId, null, removed);
    }
    Message m = Wills.message(will, clientId, ticker.nanoTime());
    String value;
    try {
      value =
          WillRecord.of(self, incarnation + "." + connections.incrementAndGet(), delaySeconds, m)
              .encoded();
    } finally {
      m.release();
    }
    CompletableFuture<Void> held = new CompletableFuture<>();
    Kept k = new Kept(clientId, value, held);
    quiet
        .putAsync(clientId, value)
        .whenComplete(
            (old, e) -> {
              if (e != null) {
                k.kept = false;
                LOG.warn(
                    "Cluster: will of {} kept on this node only (not replicated: {}); it is lost"
                        + " if this node dies",
                    clientId,
                    e.toString());
              }
              held.complete(null);
            });
    return k;
  }

  /**
   * Waits (bounded) for the removals under way: a node shutting down publishes its clients'
   * immediate wills itself, and the survivors must not find them in the cache and publish them
   * again.
   */
  public void drain(long timeoutMillis) {
    try {
      CompletableFuture.allOf(removing.toArray(new CompletableFuture<?>[0]))
          .get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn(
          "Cluster: {} will(s) not yet dropped from the wills cache at shutdown; the other nodes"
              + " may publish them again",
          removing.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One connection's will in the cache (value null: it had none and removed an earlier one). */
  private final class Kept implements Pending {
    final String clientId;
    final String value;
    final CompletableFuture<Void> held;
    volatile boolean kept = true;

    Kept(String clientId, String value, CompletableFuture<Void> held) {
      this.clientId = clientId;
      this.value = value;
      this.held = held;
    }

    @Override
    public CompletableFuture<Void> held() {
      return held;
    }

    @Override
    public boolean due() {
      // Gone or replaced: a connection of the client id elsewhere, or a survivor, took it.
      return value == null || !kept || value.equals(cache.get(clientId));
    }

    @Override
    public void settled() {
      if (value == null) {
        return;
      }
      // Only this connection's entry: a newer connection's will stays.
      CompletableFuture<Void> done = new CompletableFuture<>();
      removing.add(done);
      held.thenRun(
          () ->
              cache
                  .removeAsync(clientId, value)
                  .whenComplete(
                      (removed, e) -> {
                        if (e != null) {
                          LOG.debug(
                              "Cluster: could not drop the will of {}: {}", clientId, e.toString());
                        }
                        removing.remove(done);
                        done.complete(null);
                      }));
    }
  }
}
