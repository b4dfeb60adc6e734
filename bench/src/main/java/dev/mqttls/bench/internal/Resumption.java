package dev.mqttls.bench.internal;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/** Whether a finished client handshake resumed a session rather than doing a full one. */
final class Resumption {
  private Resumption() {}

  static boolean resumed(SSLEngine engine, long connectStartNanos) {
    if (engine instanceof ReferenceCountedOpenSslEngine e) {
      // BoringSSL knows for certain (SSL_session_reused); we are on the engine's event loop
      return io.netty.internal.tcnative.SSL.isSessionReused(e.sslPointer());
    }
    // The JDK engine: a resumed session keeps the creation time of the handshake that made it.
    long ageMillis = System.currentTimeMillis() - engine.getSession().getCreationTime();
    return ageMillis > TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStartNanos) + 1000;
  }
}
