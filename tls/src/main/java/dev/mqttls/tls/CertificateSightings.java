package dev.mqttls.tls;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;

/**
 * Which handshakes in progress on one listener have shown the verifier a certificate, and which.
 * With {@code require_certificate} the engine itself refuses a client that sends none (so the
 * client receives the proper alert) and never calls our verifier; knowing that the verifier was not
 * called is what lets the failure be named NO_CLIENT_CERTIFICATE without reading the engine's
 * message text, and knowing that it accepted a certificate names a later failure (the device's key
 * is not the certificate's).
 *
 * <p>Keyed by the peer's address and port, which the engine is created with: the trust manager sees
 * SunJSSE's inner engine rather than Netty's wrapper, but both carry the same peer. Entries live
 * from the certificate to the end of that handshake.
 */
final class CertificateSightings {
  private static final int MAX = 100_000;
  private final ConcurrentHashMap<String, X509Certificate> seen = new ConcurrentHashMap<>();

  /** The key an engine for this remote address is created with, or null if it has none. */
  static String key(SocketAddress remote) {
    if (remote instanceof InetSocketAddress) {
      InetSocketAddress a = (InetSocketAddress) remote;
      if (a.getAddress() != null) {
        return key(a.getAddress().getHostAddress(), a.getPort());
      }
    }
    return null;
  }

  private static String key(String host, int port) {
    return host + " " + port;
  }

  /** Called by the trust manager when a client certificate reaches it. */
  void saw(SSLEngine engine, X509Certificate[] chain) {
    if (engine == null
        || engine.getPeerHost() == null
        || engine.getPeerPort() <= 0
        || chain == null
        || chain.length == 0) {
      return;
    }
    if (seen.size() >= MAX) {
      // Defensive only: every handshake removes its own entry when it ends.
      seen.clear();
    }
    seen.put(key(engine.getPeerHost(), engine.getPeerPort()), chain[0]);
  }

  /** The client certificate the handshake with {@code key} showed, or null; forgets it. */
  X509Certificate take(String key) {
    return key == null ? null : seen.remove(key);
  }

  int size() {
    return seen.size();
  }
}
