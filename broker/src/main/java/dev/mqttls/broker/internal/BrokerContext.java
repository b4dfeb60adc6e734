package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.internal.connection.ConnectionCounter;
import dev.mqttls.broker.internal.metrics.BrokerMetrics;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.RetainedStore;
import dev.mqttls.broker.internal.routing.Router;
import dev.mqttls.broker.internal.security.LiveAccess;
import dev.mqttls.broker.internal.session.SessionRegistry;
import dev.mqttls.broker.internal.session.Wills;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.broker.internal.view.BrokerView;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;

/**
 * The parts of one running broker, as every connection sees them. Made once by {@code
 * bootstrap.BrokerRuntime}; the parts are thread-safe, the record itself never changes. A cluster
 * puts its own {@link Router}, {@link Journal} and {@link SessionRegistry} in here.
 *
 * @param config the configuration it runs with
 * @param ticker the one source of time
 * @param loops the event loops connections and sessions run on
 * @param channels every open client channel (for shutdown)
 * @param access the password and ACL files in force (replaced on reload)
 * @param sessions who holds which client id
 * @param router where a PUBLISH goes
 * @param retained the retained messages (for a new subscription)
 * @param journal what is made durable before an acknowledgement
 * @param connections open connections, max_connections, assigned client ids
 * @param metrics counters, gauges, connected clients, certificate expiry
 * @param view session contents and recent ACL denials, for the dashboard
 * @param wills where connections' wills are kept besides the connection
 */
public record BrokerContext(
    BrokerConfig config,
    Ticker ticker,
    EventLoopGroup loops,
    ChannelGroup channels,
    LiveAccess access,
    SessionRegistry sessions,
    Router router,
    RetainedStore retained,
    Journal journal,
    ConnectionCounter connections,
    BrokerMetrics metrics,
    BrokerView view,
    Wills wills) {}
