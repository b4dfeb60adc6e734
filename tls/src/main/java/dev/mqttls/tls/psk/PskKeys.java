package dev.mqttls.tls.psk;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pre-shared keys by identity, as read from one {@code psk_file}. Immutable; keys are copied in and
 * out, and {@link #toString()} shows identities only, never a key.
 */
public final class PskKeys {
  private final Map<String, byte[]> keys;

  private PskKeys(Map<String, byte[]> keys) {
    this.keys = keys;
  }

  /** The keys of {@code entries} (identity to key bytes), in the given order. */
  public static PskKeys of(Map<String, byte[]> entries) {
    Map<String, byte[]> copy = new LinkedHashMap<>();
    entries.forEach((k, v) -> copy.put(k, v.clone()));
    return new PskKeys(Collections.unmodifiableMap(copy));
  }

  /** The key of {@code identity}, a fresh copy, or empty when the identity is not known. */
  public Optional<byte[]> key(String identity) {
    byte[] k = keys.get(identity);
    return k == null ? Optional.empty() : Optional.of(k.clone());
  }

  /** Whether {@code identity} has a key. */
  public boolean contains(String identity) {
    return keys.containsKey(identity);
  }

  /** The identities, in file order. */
  public List<String> identities() {
    return List.copyOf(new ArrayList<>(keys.keySet()));
  }

  /** How many identities there are. */
  public int size() {
    return keys.size();
  }

  /** Whether two key sets hold the same identities with the same keys (constant-time per key). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PskKeys other) || !other.keys.keySet().equals(keys.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : keys.entrySet()) {
      if (!MessageDigest.isEqual(e.getValue(), other.keys.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return keys.keySet().hashCode();
  }

  /** E.g. {@code PskKeys[3 identities]}: no identity list (it can be long), no key. */
  @Override
  public String toString() {
    return "PskKeys[" + keys.size() + " identities]";
  }
}
