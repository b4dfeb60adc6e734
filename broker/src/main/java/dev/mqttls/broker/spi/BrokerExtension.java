package dev.mqttls.broker.spi;

import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.LocalRouter;
import dev.mqttls.broker.internal.routing.RetainedStore;
import dev.mqttls.broker.internal.routing.Router;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.session.LocalSessionRegistry;
import dev.mqttls.broker.internal.session.SessionRegistry;
import dev.mqttls.broker.internal.session.Wills;

/**
 * Replaces or wraps the broker's seams while it is put together: its {@link Journal}, {@link
 * RetainedStore}, {@link Router} and {@link SessionRegistry}. Each hook gets this node's own part
 * and returns the one the broker uses; the defaults change nothing, so {@link #NONE} is the
 * single-node broker. Hooks run once, in the order declared, on the starting thread, before any
 * listener is bound; one that throws {@link dev.mqttls.broker.BrokerStartException} stops start-up
 * (and {@link #close()} is called).
 */
public interface BrokerExtension extends AutoCloseable {
  /** The single-node broker: every hook returns this node's own part. */
  BrokerExtension NONE = new BrokerExtension() {};

  /** The journal to use; it decides when an acknowledgement may go out. */
  default Journal journal(Journal local) {
    return local;
  }

  /** The retained store to use, in place of this node's in-memory one. */
  default RetainedStore retainedStore(RetainedStore local) {
    return local;
  }

  /** The session registry to use; {@code local} holds this node's sessions. */
  default SessionRegistry sessions(LocalSessionRegistry local) {
    return local;
  }

  /** The router to use; {@code local} routes over {@code tree}, this node's subscriptions. */
  default Router router(LocalRouter local, TopicTree tree) {
    return local;
  }

  /** Where connections' wills are kept besides the connection (a cluster replicates them). */
  default Wills wills(Wills local) {
    return local;
  }

  /** The broker's parts are together (nothing bound yet). */
  default void assembled(BrokerContext context) {}

  /**
   * The broker is stopping: its listeners and connections are closed and its event loops still run
   * (a cluster node leaves here, while it can still answer for its sessions).
   */
  default void stopping() {}

  /** Called when the broker closes, after its connections and before its journal. */
  @Override
  default void close() {}
}
