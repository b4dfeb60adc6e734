package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.ListenerConfig;
import io.netty.channel.ChannelPipeline;

/** The TLS side of one listener, or nothing for a plain listener. */
final class ListenerTls implements AutoCloseable {
  private final ListenerConfig listener;

  private ListenerTls(ListenerConfig listener) {
    this.listener = listener;
  }

  /** Loads the listener's TLS material; throws naming the listener when it cannot. */
  static ListenerTls open(ListenerConfig l) {
    if (l.isTls()) {
      throw new BrokerStartException(
          l.tlsDirectives().get(0).where() + ": not yet supported", null);
    }
    return new ListenerTls(l);
  }

  /** Adds the TLS handler first in a new connection's pipeline; returns its per-connection view. */
  ConnectionTls install(ChannelPipeline p) {
    return null;
  }

  ListenerConfig listener() {
    return listener;
  }

  @Override
  public void close() {}
}
