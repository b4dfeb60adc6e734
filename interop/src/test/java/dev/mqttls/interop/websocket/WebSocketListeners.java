package dev.mqttls.interop.websocket;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Path;

/**
 * Our broker with the three WebSocket listeners the tests use, in mosquitto's own lines: plain
 * (ws), TLS (wss) and mutual TLS (wss with {@code require_certificate true}).
 */
final class WebSocketListeners {
  static final int WS = 0;
  static final int WSS = 1;
  static final int WSS_MUTUAL = 2;

  private WebSocketListeners() {}

  static EmbeddedBroker start(TestPki pki, Path httpDir, String... extra) {
    String tls =
        "cafile "
            + pki.caFile()
            + "\ncertfile "
            + pki.serverCert()
            + "\nkeyfile "
            + pki.serverKey();
    String[] lines = {
      "listener 0 127.0.0.1",
      "protocol websockets",
      httpDir == null ? "" : "http_dir " + httpDir,
      "listener 0 127.0.0.1",
      "protocol websockets",
      tls,
      "listener 0 127.0.0.1",
      "protocol websockets",
      tls,
      "require_certificate true",
      "use_identity_as_username true",
      String.join("\n", extra)
    };
    return EmbeddedBroker.start(lines);
  }

  static int port(EmbeddedBroker b, int listener) {
    return b.broker().address(listener).getPort();
  }
}
