package dev.mqttls.broker;

import dev.mqttls.conf.Directive;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One network listener.
 *
 * @param port TCP port; 0 binds an ephemeral port (see {@link Broker#address(int)})
 * @param bindAddress host or address to bind; empty binds every interface
 * @param tlsDirectives the TLS directives given for this listener, in file order, each with its
 *     file and line; empty means plain MQTT over TCP
 * @param baseDir directory that relative paths in {@code tlsDirectives} are resolved against
 * @param maxConnectionRate {@code max_connection_rate}: new connections per source address per
 *     second, plain or TLS; 0 means no limit
 * @param webSockets present for {@code protocol websockets}: MQTT over WebSockets (over TLS when
 *     there are TLS directives)
 * @param security present with {@code per_listener_settings true}: this listener's own security
 *     settings in place of the broker's
 * @param useUsernameAsClientId {@code use_username_as_clientid}: a client's user name replaces its
 *     client id
 */
public record ListenerConfig(
    int port,
    Optional<String> bindAddress,
    List<Directive> tlsDirectives,
    Path baseDir,
    int maxConnectionRate,
    Optional<WebSocketSettings> webSockets,
    Optional<ListenerSecurity> security,
    boolean useUsernameAsClientId) {

  public ListenerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (maxConnectionRate < 0) {
      throw new IllegalArgumentException(
          "max_connection_rate must be 0 or more, got " + maxConnectionRate);
    }
    Objects.requireNonNull(bindAddress, "bindAddress");
    tlsDirectives = List.copyOf(tlsDirectives);
    Objects.requireNonNull(baseDir, "baseDir");
    Objects.requireNonNull(webSockets, "webSockets");
    Objects.requireNonNull(security, "security");
  }

  /** A plain MQTT listener with the broker's security settings. */
  public ListenerConfig(
      int port,
      Optional<String> bindAddress,
      List<Directive> tlsDirectives,
      Path baseDir,
      int maxConnectionRate) {
    this(
        port,
        bindAddress,
        tlsDirectives,
        baseDir,
        maxConnectionRate,
        Optional.empty(),
        Optional.empty(),
        false);
  }

  /** A listener without max_connection_rate. */
  public ListenerConfig(
      int port, Optional<String> bindAddress, List<Directive> tlsDirectives, Path baseDir) {
    this(port, bindAddress, tlsDirectives, baseDir, 0);
  }

  /** A plain TCP listener on {@code address:port}. */
  public static ListenerConfig plain(int port, String address) {
    return new ListenerConfig(port, Optional.of(address), List.of(), Path.of("."));
  }

  /** This listener speaking MQTT over WebSockets with {@code settings}. */
  public ListenerConfig withWebSockets(WebSocketSettings settings) {
    return new ListenerConfig(
        port,
        bindAddress,
        tlsDirectives,
        baseDir,
        maxConnectionRate,
        Optional.of(settings),
        security,
        useUsernameAsClientId);
  }

  /** This listener with its own security settings ({@code per_listener_settings true}). */
  public ListenerConfig withSecurity(ListenerSecurity own) {
    return new ListenerConfig(
        port,
        bindAddress,
        tlsDirectives,
        baseDir,
        maxConnectionRate,
        webSockets,
        Optional.of(own),
        useUsernameAsClientId);
  }

  /** Whether this listener speaks MQTT over WebSockets ({@code protocol websockets}). */
  public boolean isWebSockets() {
    return webSockets.isPresent();
  }

  /** Whether this listener speaks TLS (it was given TLS directives). */
  public boolean isTls() {
    return !tlsDirectives.isEmpty();
  }

  /** A short operator-facing name, e.g. {@code listener 8883 127.0.0.1}. */
  public String name() {
    return "listener " + port + bindAddress.map(a -> " " + a).orElse("");
  }
}
