package dev.mqttls.admin.internal.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqttls.broker.Broker;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live topic viewer: one MQTT subscription per open viewer page, made through the broker's
 * in-process endpoint as the dashboard's user, so that the broker's ACL for that user decides what
 * it sees, exactly as for a device of that user. QoS 0, a clean session that ends with the page: a
 * viewer never holds messages back from anyone. Messages go to the page as {@code message} events;
 * those a slow page cannot take are dropped and counted.
 */
final class TopicViewer {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.admin");

  /** Payload bytes sent to the page per message; the rest is cut (and the page says so). */
  static final int PAYLOAD_SHOWN = 16 * 1024;

  /** Viewers open at once, all users together. */
  static final int MAX_VIEWERS = 16;

  /** The user name when the admin listener has no password file (the ACL still applies). */
  static final String DEFAULT_USER = "dashboard";

  private final Broker broker;
  private final ObjectMapper json;
  private final Clock clock;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong serial = new AtomicLong();

  TopicViewer(Broker broker, ObjectMapper json, Clock clock) {
    this.broker = broker;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Subscribes to {@code filter} as {@code user} and streams what arrives until the page goes away.
   * The outcome of the SUBSCRIBE comes first, as a {@code subscribed} or {@code refused} event.
   */
  void stream(EventStream events, String user, String filter) {
    if (open.incrementAndGet() > MAX_VIEWERS) {
      open.decrementAndGet();
      events.send("refused", text("too many open topic viewers (" + MAX_VIEWERS + ")"));
      events.close();
      return;
    }
    String clientId = "mqttls-dashboard-" + serial.incrementAndGet();
    MqttClient client =
        MqttClient.create(
            MqttClientConfig.builder("localhost")
                .inProcess(broker.inProcessAddress())
                .clientId(clientId)
                .username(user)
                .cleanStart(true)
                .sessionExpirySeconds(0)
                .reconnect(ReconnectPolicy.OFF)
                .build());
    AtomicLong dropped = new AtomicLong();
    events
        .channel()
        .closeFuture()
        .addListener(
            f -> {
              open.decrementAndGet();
              // Off the HTTP loop: closing waits (briefly) for the DISCONNECT to be written.
              GlobalEventExecutor.INSTANCE.execute(client::close);
            });
    client
        .connect()
        .thenCompose(
            connected ->
                client.subscribe(
                    Subscription.of(filter, Qos.AT_MOST_ONCE),
                    m -> {
                      if (!events.send("message", message(m, dropped.get()))) {
                        dropped.incrementAndGet();
                      }
                    }))
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                LOG.info(
                    "admin: topic viewer of {} for {} failed: {}", user, filter, describe(error));
                events.send("refused", text(describe(error)));
                events.close();
                return;
              }
              ReasonCode code = result.reasonCodes().get(0);
              if (code.isError()) {
                events.send(
                    "refused",
                    text(
                        "the broker refused the subscription to "
                            + filter
                            + " for user "
                            + user
                            + ": "
                            + code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
                events.close();
                return;
              }
              ObjectNode ok = json.createObjectNode();
              ok.put("filter", filter);
              ok.put("user", user);
              ok.put("clientId", clientId);
              events.send("subscribed", ok.toString());
            });
  }

  private String text(String sentence) {
    ObjectNode n = json.createObjectNode();
    n.put("error", sentence);
    return n.toString();
  }

  private static String describe(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && !(t instanceof MqttClientException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private String message(Message m, long droppedBefore) {
    ObjectNode n = json.createObjectNode();
    n.put("dropped", droppedBefore);
    n.put("at", clock.millis());
    n.put("topic", m.topic());
    n.put("qos", m.qos().code());
    n.put("retain", m.retain());
    byte[] payload = m.payload();
    n.put("size", payload.length);
    n.put("truncated", payload.length > PAYLOAD_SHOWN);
    byte[] shown =
        payload.length > PAYLOAD_SHOWN ? java.util.Arrays.copyOf(payload, PAYLOAD_SHOWN) : payload;
    // Base64, so that binary payloads arrive intact; the page shows text, JSON or hex.
    n.put("payload", java.util.Base64.getEncoder().encodeToString(shown));
    ObjectNode p = n.putObject("properties");
    m.properties().payloadUtf8().ifPresent(v -> p.put("payloadFormatUtf8", v));
    m.properties().contentType().ifPresent(v -> p.put("contentType", v));
    m.properties().messageExpirySeconds().ifPresent(v -> p.put("messageExpirySeconds", v));
    m.properties().responseTopic().ifPresent(v -> p.put("responseTopic", v));
    m.properties()
        .correlationData()
        .ifPresent(v -> p.put("correlationData", java.util.HexFormat.of().formatHex(v)));
    if (!m.properties().userProperties().isEmpty()) {
      var users = p.putArray("userProperties");
      m.properties()
          .userProperties()
          .forEach(u -> users.addObject().put("name", u.name()).put("value", u.value()));
    }
    return n.toString();
  }
}
