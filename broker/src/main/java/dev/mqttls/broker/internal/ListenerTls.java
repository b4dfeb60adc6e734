package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.broker.internal.connection.ConnectionTls;
import dev.mqttls.tls.ServerTls;
import dev.mqttls.tls.ServerTlsSettings;
import dev.mqttls.tls.TlsMaterialException;
import io.netty.channel.ChannelPipeline;
import java.util.Optional;

/**
 * The TLS side of one listener: its {@link ServerTls} (material loaded and watched), or for a plain
 * listener a guard that names a TLS ClientHello sent to it.
 */
public final class ListenerTls implements AutoCloseable {
  private final ListenerConfig listener;
  private final ServerTls tls;
  private final String name;

  private ListenerTls(ListenerConfig listener, ServerTls tls) {
    this.listener = listener;
    this.tls = tls;
    this.name = String.valueOf(listener.port());
  }

  /**
   * Loads the listener's TLS material; a listener that cannot load it does not start (we never fall
   * back to plain MQTT).
   *
   * @throws BrokerStartException naming the listener and the file at fault
   */
  public static ListenerTls open(ListenerConfig l) {
    if (!l.isTls()) {
      return new ListenerTls(l, null);
    }
    ServerTlsSettings settings;
    try {
      settings = TlsDirectives.settings(l);
    } catch (ConfigException e) {
      throw new BrokerStartException(e.getMessage(), e);
    }
    try {
      return new ListenerTls(l, ServerTls.open(settings, String.valueOf(l.port())));
    } catch (TlsMaterialException | IllegalArgumentException e) {
      throw new BrokerStartException(l.name() + ": " + e.getMessage(), e);
    }
  }

  /** Adds the TLS handler (or the plain guard) first; returns the per-connection TLS view. */
  public ConnectionTls install(ChannelPipeline p) {
    if (tls == null) {
      p.addLast("tls-guard", ServerTls.plainListenerGuard(name));
      return null;
    }
    p.addLast("tls", tls.newHandler());
    ServerTlsSettings s = tls.settings();
    return new ConnectionTls(
        s.useIdentityAsUsername(), s.useSubjectAsUsername(), s.useIdentityAsClientId());
  }

  /** Re-reads this listener's TLS files; a plain listener has none. */
  public void reload() {
    if (tls != null) {
      tls.reload();
    }
  }

  /** The TLS settings, empty for a plain listener. */
  public Optional<ServerTlsSettings> settings() {
    return tls == null ? Optional.empty() : Optional.of(tls.settings());
  }

  /** The listener's label in logs and metrics: its port. */
  public String name() {
    return name;
  }

  public ListenerConfig listener() {
    return listener;
  }

  @Override
  public void close() {
    if (tls != null) {
      tls.close();
    }
  }
}
