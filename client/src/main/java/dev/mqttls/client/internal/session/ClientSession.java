package dev.mqttls.client.internal.session;

import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.TlsSessionInfo;
import dev.mqttls.client.internal.PacketConversions;
import dev.mqttls.client.internal.publish.incoming.IncomingQosFlow;
import dev.mqttls.client.internal.publish.outgoing.OutgoingQosFlow;
import dev.mqttls.client.internal.subscribe.Subscriptions;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.PacketIdPool;
import dev.mqttls.codec.Pingresp;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Unsuback;
import dev.mqttls.codec.Will;
import io.netty.channel.Channel;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The client's MQTT session across connections (MQTT 5 section 4.1): its client identifier (the
 * broker-assigned one once assigned), the packet identifiers, the outgoing and incoming QoS flows
 * and the subscriptions. A CONNACK starts it anew or resumes it; the end of a connection ends the
 * connection's part of it with a cause.
 *
 * <p>Loop-confined.
 */
public final class ClientSession {
  private final MqttClientConfig config;
  private final PacketIdPool ids = new PacketIdPool();
  private final OutgoingQosFlow outgoing;
  private final IncomingQosFlow incoming;
  private final Subscriptions subscriptions;
  private String clientId;
  private boolean everConnected;
  private ConnectResult connected;
  private Channel channel;

  /**
   * A session for {@code config}.
   *
   * @param callbacks where message callbacks run
   * @param unmatched the callback for messages no subscription matches, or null
   * @param url the broker connected to, for messages
   * @param changed called when something the status shows may have changed
   */
  public ClientSession(
      MqttClientConfig config,
      Executor callbacks,
      Supplier<Consumer<Message>> unmatched,
      Supplier<String> url,
      Runnable changed) {
    this.config = config;
    this.clientId = config.clientId();
    this.outgoing =
        new OutgoingQosFlow(
            config.version(), config.maxInflight(), config.offlineBuffer(), ids, url, changed);
    this.subscriptions = new Subscriptions(ids, callbacks, unmatched, url, changed);
    this.incoming =
        new IncomingQosFlow(
            config.version(), subscriptions::dispatch, config.manualAcknowledgement());
  }

  /** The CONNECT that starts (first time) or resumes (reconnect) this session. */
  public Connect connectPacket() {
    MqttProperties.Builder props = MqttProperties.builder();
    if (config.version() == MqttVersion.V5) {
      if (config.sessionExpirySeconds() > 0) {
        props.sessionExpiryInterval(config.sessionExpirySeconds());
      }
      for (var u : config.connectUserProperties()) {
        props.userProperty(u);
      }
      config.receiveMaximum().ifPresent(props::receiveMaximum);
      config.maximumPacketSize().ifPresent(props::maximumPacketSize);
      config.requestProblemInformation().ifPresent(props::requestProblemInformation);
      config.requestResponseInformation().ifPresent(props::requestResponseInformation);
    }
    return new Connect(
        config.version(),
        // a broker-assigned id is reused so a reconnect resumes the same session
        everConnected ? clientId : config.clientId(),
        // MQTT 5 resumes on reconnect (session expiry decides); 3.1.1 keeps its clean flag
        config.cleanStart() && (!everConnected || config.version() != MqttVersion.V5),
        config.keepAliveSeconds(),
        config.username().orElse(null),
        config.password().orElse(null),
        config.will().map(this::will).orElse(null),
        props.build(),
        config.bridge() && config.version() != MqttVersion.V5);
  }

  private Will will(Message w) {
    Will will = PacketConversions.toWill(w, config.version());
    if (config.version() != MqttVersion.V5 || config.willDelaySeconds().isEmpty()) {
      return will;
    }
    return new Will(
        will.topic(),
        will.payload(),
        will.qos(),
        will.retain(),
        will.properties().toBuilder().willDelayInterval(config.willDelaySeconds().get()).build());
  }

  /**
   * The broker accepted the connection on {@code ch}: resumes the session when the broker still has
   * it (resending what was in flight), else starts anew (in-flight publishes queued again,
   * subscriptions made again), then sends what waits.
   *
   * @return what the CONNACK said
   */
  public ConnectResult start(Connack connack, Channel ch, TlsSessionInfo tls) {
    MqttProperties p = connack.properties();
    if (p.assignedClientIdentifier() != null) {
      clientId = p.assignedClientIdentifier();
    }
    int keepAlive = p.serverKeepAlive() != null ? p.serverKeepAlive() : config.keepAliveSeconds();
    int receiveMax = p.receiveMaximum() != null ? p.receiveMaximum() : 65_535;
    connected =
        new ConnectResult(
            connack.reasonCode(),
            connack.sessionPresent(),
            Optional.ofNullable(p.assignedClientIdentifier()),
            keepAlive,
            receiveMax,
            p.maximumQos() != null ? p.maximumQos() : Qos.EXACTLY_ONCE,
            p.retainAvailable() == null || p.retainAvailable(),
            Optional.ofNullable(p.reasonString()),
            p.userProperties(),
            Optional.ofNullable(tls));
    boolean again = everConnected;
    everConnected = true;
    channel = ch;
    outgoing.connected(ch, receiveMax, connack.sessionPresent());
    if (!connack.sessionPresent()) {
      incoming.sessionStarted();
      if (again) {
        subscriptions.resubscribe(ch);
      }
    }
    outgoing.drain();
    return connected;
  }

  /**
   * A packet of an accepted connection.
   *
   * @return false if it is not one the session handles (DISCONNECT, or one a client never gets)
   */
  public boolean received(MqttPacket msg) {
    if (msg instanceof Publish p) {
      incoming.publish(channel, p);
    } else if (msg instanceof Puback a) {
      outgoing.puback(a);
    } else if (msg instanceof Pubrec r) {
      outgoing.pubrec(r);
    } else if (msg instanceof Pubcomp c) {
      outgoing.pubcomp(c);
    } else if (msg instanceof Pubrel r) {
      incoming.pubrel(channel, r);
    } else if (msg instanceof Suback s) {
      subscriptions.suback(s);
    } else if (msg instanceof Unsuback u) {
      subscriptions.unsuback(u);
    } else {
      // the keep-alive's idle handler has already counted a PINGRESP as traffic
      return msg instanceof Pingresp;
    }
    return true;
  }

  /**
   * The connection ended with {@code cause}: requests waiting for an answer fail; publishes wait
   * for the next connection when {@code keepPublishes}, else fail too.
   */
  public void connectionEnded(MqttClientException cause, boolean keepPublishes) {
    channel = null;
    connected = null;
    incoming.connectionEnded();
    subscriptions.failRequests(cause);
    outgoing.disconnected(cause, keepPublishes);
  }

  /** The client identifier in use. */
  public String clientId() {
    return clientId;
  }

  /** What the CONNACK of the current connection said, while connected. */
  public Optional<ConnectResult> connected() {
    return Optional.ofNullable(connected);
  }

  /** The channel of the accepted connection, or null. */
  public Channel channel() {
    return channel;
  }

  /** The outgoing publishes. */
  public OutgoingQosFlow outgoing() {
    return outgoing;
  }

  /** The incoming publishes. */
  public IncomingQosFlow incoming() {
    return incoming;
  }

  /** The subscriptions. */
  public Subscriptions subscriptions() {
    return subscriptions;
  }
}
