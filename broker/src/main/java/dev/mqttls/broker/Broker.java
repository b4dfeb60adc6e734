package dev.mqttls.broker;

import dev.mqttls.broker.internal.bootstrap.BrokerRuntime;
import io.netty.channel.local.LocalAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A running MQTT broker. Start one with {@link #start(BrokerConfig)}; {@link #close()} stops every
 * listener and connection and frees the ports. Safe to use from any thread.
 *
 * <pre>{@code
 * try (Broker broker = Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").build())) {
 *   int port = broker.address(0).getPort();
 *   ...
 * }
 * }</pre>
 */
public final class Broker implements AutoCloseable {
  private final BrokerRuntime runtime;

  private Broker(BrokerRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * Binds every listener of {@code config} and starts serving.
   *
   * <p>With {@link BrokerConfig#persistence()} on, the store in {@link
   * BrokerConfig#persistenceDirectory()} is opened first and its persistent sessions (offline,
   * their expiry continuing), their messages and the retained messages come back before any
   * listener accepts a connection.
   *
   * @throws BrokerStartException when a listener cannot bind or load its TLS material, or the store
   *     cannot be opened (locked by another broker, corrupt, not writable; the message names its
   *     directory); listeners bound before the failure are closed again
   */
  public static Broker start(BrokerConfig config) {
    return start(config, dev.mqttls.broker.spi.BrokerExtension.NONE);
  }

  /**
   * As {@link #start(BrokerConfig)}, with the seams {@code extension} puts in (the cluster's). The
   * broker closes {@code extension} when it stops, or when start-up fails.
   */
  public static Broker start(BrokerConfig config, dev.mqttls.broker.spi.BrokerExtension extension) {
    return new Broker(BrokerRuntime.start(config, extension));
  }

  /**
   * The bound address of listener {@code listenerIndex} (the configured port, or the ephemeral).
   */
  public InetSocketAddress address(int listenerIndex) {
    return runtime.boundAddresses().get(listenerIndex);
  }

  /** The bound address of every listener, in configuration order. */
  public List<InetSocketAddress> boundAddresses() {
    return runtime.boundAddresses();
  }

  /**
   * Where the broker's own parts in this JVM connect, as MQTT clients without a socket: give it to
   * {@code MqttClientConfig.Builder#inProcess} of the client library. Such a connection has no TLS;
   * its user name is trusted without a password (and judged by the ACL as that user), and without
   * one it is the broker itself ({@code $broker}: every topic, no ACL). Not counted against {@code
   * max_connections}. Other clients may not call themselves {@code $broker}.
   */
  public LocalAddress inProcessAddress() {
    return runtime.inProcessAddress();
  }

  /** The configuration this broker runs with. */
  public BrokerConfig config() {
    return runtime.config();
  }

  /** Number of client connections currently open (MQTT CONNECT accepted or pending). */
  public int connectionCount() {
    return runtime.connectionCount();
  }

  /** Number of sessions held, connected or not (persistent sessions outlive their connection). */
  public int sessionCount() {
    return runtime.sessionCount();
  }

  /**
   * Re-reads every TLS listener's certfile, keyfile, cafile/capath and crlfile now, as on SIGHUP.
   * Each listener takes its new set for new connections only if the set is valid as a whole;
   * otherwise it logs the file and cause and keeps the old set. Open connections are untouched.
   */
  public void reloadTls() {
    runtime.reloadTls();
  }

  /**
   * Re-reads {@code password_file} and {@code acl_file} now, as Mosquitto does on SIGHUP. New
   * connections are checked against the new password file; connected clients are judged by the new
   * ACL from their next packet on. A file with a bad line changes nothing: the error is logged with
   * its {@code FILE:LINE} and the previous files stay in force.
   */
  public void reloadAccessControl() {
    runtime.reloadAccess();
  }

  /** What SIGHUP does: {@link #reloadTls()} and {@link #reloadAccessControl()}. */
  public void reload() {
    reloadTls();
    reloadAccessControl();
  }

  /**
   * Meters, connected clients and certificate expiry of this broker, for a metrics registry or the
   * admin listener.
   */
  public BrokerTelemetry telemetry() {
    return runtime.telemetry();
  }

  /**
   * Session contents and recent ACL denials, for the admin module's dashboard. Internal: its type
   * may change with the dashboard.
   */
  public dev.mqttls.broker.internal.view.BrokerView view() {
    return runtime.view();
  }

  /** Stops the listeners, closes every connection and waits for the event loops to finish. */
  @Override
  public void close() {
    runtime.close();
  }
}
