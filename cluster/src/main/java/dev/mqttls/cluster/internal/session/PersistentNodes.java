package dev.mqttls.cluster.internal.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.infinispan.Cache;

/**
 * Which nodes have held a persistent session, in the replicated client-owner cache (one key per
 * node, never removed): what was on its way to such a node when it died must not be taken as safe,
 * since its sessions live on (adopted by a survivor) and need the message. A node that never held
 * one keeps the cheaper rule: its clean sessions died with it.
 */
public final class PersistentNodes implements Predicate<String> {
  private static final String PREFIX = "\0persistent\0";

  private final Cache<String, String> owners;
  private final String self;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  public PersistentNodes(Cache<String, String> owners, String self) {
    this.owners = owners;
    this.self = self;
  }

  /** This node holds a persistent session: written once, before its first record. */
  void markSelf() {
    if (known.add(self)) {
      try {
        owners.put(PREFIX + self, self);
      } catch (RuntimeException e) {
        // Tried again with the next record.
        known.remove(self);
      }
    }
  }

  /** Whether {@code node} has ever held a persistent session. */
  @Override
  public boolean test(String node) {
    if (known.contains(node)) {
      return true;
    }
    if (owners.containsKey(PREFIX + node)) {
      known.add(node);
      return true;
    }
    return false;
  }

  /** Whether {@code key} of the owner cache is one of these markers (not a client id). */
  static boolean isMarker(String key) {
    return key.startsWith(PREFIX);
  }
}
