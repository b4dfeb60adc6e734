package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.BrokerConfig;
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

  private final ConnectionState c;
  private final Disconnector disconnector;

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
    if (qos == 2) {
      if (!c.session.receivedQos2(packetId)) {
        // A resend of a QoS 2 message we already routed (method A, MQTT 5 figure 4.3).
        p.release();
        c.ctx.write(pubrec(packetId, ReasonCode.SUCCESS), c.ctx.voidPromise());
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
    ack(qos, packetId, matched == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS);
  }

  private void ack(int qos, int packetId, ReasonCode reason) {
    if (qos == 1) {
      c.ctx.write(
          new Puback(packetId, c.isV5() ? reason : ReasonCode.SUCCESS, MqttProperties.EMPTY),
          c.ctx.voidPromise());
    } else if (qos == 2) {
      if (reason.isError()) {
        c.session.released(packetId);
      }
      c.ctx.write(pubrec(packetId, reason), c.ctx.voidPromise());
    }
  }

  private Pubrec pubrec(int packetId, ReasonCode reason) {
    return new Pubrec(packetId, c.isV5() ? reason : ReasonCode.SUCCESS, MqttProperties.EMPTY);
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
