package dev.mqttls.tls.verify;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A chain the {@link ChainVerifier} accepted.
 *
 * @param path the verified path, leaf first, without the trust anchor
 * @param anchor the trusted CA the path ends at (the leaf itself when it is directly trusted)
 */
public record VerifiedChain(List<X509Certificate> path, X509Certificate anchor) {
  /** Copies the path. */
  public VerifiedChain {
    path = List.copyOf(path);
  }

  /** The peer's own certificate. */
  public X509Certificate leaf() {
    return path.isEmpty() ? anchor : path.get(0);
  }
}
