package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.internal.metrics.DropReason;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.routing.Topics;
import dev.mqttls.broker.internal.security.ClientAcl;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PUBLISH from the client, in order: topic alias, write access, retain, size, UTF-8, QoS 2
 * de-duplication, routing, acknowledgement; and the PUBREL that ends an incoming QoS 2 exchange.
 */
final class InboundPublishFlow {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");
  private static final Logger ACL_LOG = LoggerFactory.getLogger("dev.mqttls.broker.acl");

  private static final MqttProperties NONE = MqttProperties.EMPTY;

  private final ConnectionState c;
  private final Disconnector disconnector;

  /** A flush is queued for acknowledgements released by a group commit. */
  private boolean flushScheduled;

  InboundPublishFlow(ConnectionState c, Disconnector disconnector) {
    this.c = c;
    this.disconnector = disconnector;
  }

  void onPublish(Publish p) {
    boolean v5 = c.version.isV5();
    Integer alias = p.properties().topicAlias();
    String topic = p.topic();
    if (alias != null) {
      if (!TopicAliases.inboundInRange(alias)) {
        p.release();
        disconnector.protocolFailure(
            ReasonCode.TOPIC_ALIAS_INVALID,
            "topic alias " + alias + " outside 1.." + TopicAliases.INBOUND_MAXIMUM);
        return;
      }
      topic = c.aliases.inbound(alias, topic);
      if (topic == null) {
        p.release();
        disconnector.protocolFailure(ReasonCode.PROTOCOL_ERROR, "unknown topic alias " + alias);
        return;
      }
      p =
          new Publish(
              p.dup(),
              p.qos(),
              p.retainFlag(),
              topic,
              p.packetId(),
              p.properties().toBuilder().topicAlias(null).build(),
              p.payload());
    }
    BrokerConfig limits = c.broker.config();
    String over = Topics.overLimit(topic, limits.maxTopicLevels(), limits.maxTopicBytes());
    if (over != null) {
      // As Mosquitto: the client that sends such a topic is disconnected (MQTT 5: 0x90).
      p.release();
      disconnector.protocolFailure(ReasonCode.TOPIC_NAME_INVALID, "topic name of " + over);
      return;
    }
    // The session's, not a field: a reload (SIGHUP) replaces it for connected clients too.
    ClientAcl acl = c.session.acl();
    if (!acl.allowsAll() && !acl.canWrite(Topics.levels(topic))) {
      // At debug: a device publishing where it may not would flood the log at info.
      ACL_LOG.debug(
          "Denied PUBLISH from {} ({}) to {}: no write access (acl_file)",
          c.clientId,
          c.address,
          topic);
      c.broker.metrics().dropped(DropReason.NOT_AUTHORIZED);
      c.broker
          .view()
          .denied(c.clientId, c.address, "PUBLISH to " + topic, "no write access (acl_file)");
      int deniedQos = p.qos().code();
      int deniedId = p.packetId();
      p.release();
      if (v5) {
        ack(deniedQos, deniedId, ReasonCode.NOT_AUTHORIZED);
      } else {
        if (deniedQos == 2) {
          // 3.1.1 has no refusal: the flow completes as if delivered, so the PUBREL is known.
          c.session.receivedQos2(deniedId);
        }
        ack(deniedQos, deniedId, ReasonCode.SUCCESS);
      }
      return;
    }
    BrokerConfig config = c.broker.config();
    if (p.retainFlag() && !config.retainAvailable()) {
      p.release();
      disconnector.protocolFailure(
          ReasonCode.RETAIN_NOT_SUPPORTED, "retained PUBLISH but retain_available false");
      return;
    }
    int qos = p.qos().code();
    int packetId = p.packetId();
    int limit = config.messageSizeLimit();
    if (limit > 0 && p.payload().readableBytes() > limit) {
      LOG.info(
          "Client {} from {}: dropped PUBLISH to {} of {} bytes (message_size_limit {})",
          c.clientId,
          c.address,
          topic,
          p.payload().readableBytes(),
          limit);
      c.broker.metrics().dropped(DropReason.TOO_LARGE);
      p.release();
      ack(qos, packetId, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
      return;
    }
    if (v5
        && Integer.valueOf(1).equals(p.properties().payloadFormatIndicator())
        && !p.payloadIsValidUtf8()) {
      p.release();
      if (qos == 0) {
        disconnector.protocolFailure(
            ReasonCode.PAYLOAD_FORMAT_INVALID, "payload marked UTF-8 is not valid UTF-8");
      } else {
        LOG.info(
            "Client {} from {}: refused PUBLISH to {}: payload marked UTF-8 is not valid UTF-8",
            c.clientId,
            c.address,
            topic);
        ack(qos, packetId, ReasonCode.PAYLOAD_FORMAT_INVALID);
      }
      return;
    }
    Journal journal = c.broker.journal();
    int failedBefore = journal.failedWrites();
    if (qos == 2) {
      if (!c.session.receivedQos2(packetId)) {
        // A resend of a QoS 2 message we already routed (method A, MQTT 5 figure 4.3).
        p.release();
        ack(qos, packetId, ReasonCode.SUCCESS);
        return;
      }
      if (journal.failedWrites() != failedBefore || !journal.writable()) {
        // The store fails: routing now and refusing after would let the resend reach the
        // subscribers that were served the first time a second time.
        p.release();
        refuseUnstored(qos, packetId);
        return;
      }
      if (c.session.pendingQos2() > config.maxInflightMessages()) {
        c.session.released(packetId);
        p.release();
        disconnector.protocolFailure(
            ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
            "more than " + config.maxInflightMessages() + " QoS 2 messages unreleased");
        return;
      }
    }
    Message m = Message.of(p, c.clientId, c.gate, c.broker.ticker().nanoTime());
    int matched;
    try {
      matched = c.broker.router().publish(m);
    } finally {
      m.release();
    }
    if (qos > 0 && journal.failedWrites() != failedBefore) {
      refuseUnstored(qos, packetId);
      return;
    }
    ack(qos, packetId, matched == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS);
  }

  /**
   * A write this acknowledgement depends on failed (the journal logged the episode): no PUBACK or
   * PUBREC that would claim the message is safe. MQTT 5 is told 0x80 (the reason string names no
   * path: the client needs none); 3.1.1 has no refusal, so the connection closes and the client
   * sends the message again when it reconnects.
   */
  private void refuseUnstored(int qos, int packetId) {
    if (qos == 2) {
      // So that the resend is routed, not taken for a duplicate.
      c.session.released(packetId);
    }
    afterDurable(stored -> refused(qos, packetId));
  }

  private void refused(int qos, int packetId) {
    String why = c.broker.journal().refusal();
    if (c.isV5()) {
      // For the operator's log on the client side; names no path or configuration.
      send(
          qos,
          packetId,
          ReasonCode.UNSPECIFIED_ERROR,
          MqttProperties.builder().reasonString(why).build());
      return;
    }
    // Logged once per episode by the journal, not once per client.
    c.closeReason = "closed: " + why + " (the client will resend)";
    c.reasonLogged = true;
    LOG.debug("Client {} from {}: {}", c.clientId, c.address, c.closeReason);
    disconnector.close();
  }

  /**
   * Acknowledges once the journal's promise holds for what this PUBLISH wrote: at once, or after
   * the loop turn's group commit ({@code persistence_sync batch}), which keeps acknowledgements in
   * the order of their PUBLISHes either way.
   */
  private void ack(int qos, int packetId, ReasonCode reason) {
    if (qos == 0) {
      return;
    }
    afterDurable(
        stored -> {
          if (stored) {
            send(qos, packetId, reason, NONE);
            return;
          }
          if (qos == 2) {
            c.session.released(packetId);
          }
          refused(qos, packetId);
        });
  }

  /**
   * Runs {@code then} when the journal says; a deferred run (after a group commit) happens past
   * this turn's channelReadComplete, so it asks for one flush of its own.
   */
  private void afterDurable(Journal.Durable then) {
    boolean[] inline = {true};
    c.broker
        .journal()
        .whenDurable(
            c.ctx.executor(),
            stored -> {
              if (inline[0]) {
                then.done(stored);
                return;
              }
              if (c.phase == ConnectionState.Phase.CLOSING || !c.channel.isActive()) {
                return;
              }
              then.done(stored);
              if (!flushScheduled) {
                flushScheduled = true;
                c.ctx
                    .executor()
                    .execute(
                        () -> {
                          flushScheduled = false;
                          c.ctx.flush();
                        });
              }
            });
    inline[0] = false;
  }

  private void send(int qos, int packetId, ReasonCode reason, MqttProperties props) {
    if (qos == 1) {
      c.ctx.write(
          new Puback(packetId, c.isV5() ? reason : ReasonCode.SUCCESS, c.isV5() ? props : NONE),
          c.ctx.voidPromise());
    } else if (qos == 2) {
      if (reason.isError()) {
        c.session.released(packetId);
      }
      c.ctx.write(
          new Pubrec(packetId, c.isV5() ? reason : ReasonCode.SUCCESS, c.isV5() ? props : NONE),
          c.ctx.voidPromise());
    }
  }

  void onPubrel(Pubrel r) {
    boolean known = c.session.released(r.packetId());
    ReasonCode reason =
        known || !c.isV5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    if (!known) {
      LOG.info(
          "Client {} from {} sent PUBREL for unknown packet id {}",
          c.clientId,
          c.address,
          r.packetId());
    }
    c.ctx.write(new Pubcomp(r.packetId(), reason, MqttProperties.EMPTY), c.ctx.voidPromise());
  }
}
