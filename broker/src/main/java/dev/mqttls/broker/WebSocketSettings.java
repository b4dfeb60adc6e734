package dev.mqttls.broker;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What makes a listener speak MQTT over WebSockets ({@code protocol websockets}): MQTT packets in
 * binary WebSocket messages after an HTTP upgrade, subprotocol {@code mqtt} or {@code mqttv3.1}.
 *
 * @param httpDir {@code http_dir}: the directory whose files plain HTTP GET requests are served
 *     from; empty means a plain HTTP request is refused
 * @param headersSize {@code websockets_headers_size}: the most bytes of HTTP headers an upgrade
 *     request may carry
 */
public record WebSocketSettings(Optional<Path> httpDir, int headersSize) {
  /** mosquitto's default when {@code websockets_headers_size} is unset or 0 (libwebsockets'). */
  public static final int DEFAULT_HEADERS_SIZE = 1024;

  public WebSocketSettings {
    Objects.requireNonNull(httpDir, "httpDir");
    if (headersSize < 1 || headersSize > 65535) {
      throw new IllegalArgumentException(
          "websockets_headers_size must be 1..65535, got " + headersSize);
    }
  }

  /** WebSockets without {@code http_dir}, with mosquitto's default header size. */
  public static WebSocketSettings defaults() {
    return new WebSocketSettings(Optional.empty(), DEFAULT_HEADERS_SIZE);
  }
}
