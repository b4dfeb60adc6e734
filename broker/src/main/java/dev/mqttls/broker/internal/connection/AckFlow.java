package dev.mqttls.broker.internal.connection;

import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client's acknowledgements of the QoS 1/2 messages the broker sent it. */
final class AckFlow {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private final ConnectionState c;

  AckFlow(ConnectionState c) {
    this.c = c;
  }

  void onPuback(Puback a) {
    if (!c.session.acked(a.packetId())) {
      LOG.debug("Client {} sent PUBACK for unknown packet id {}", c.clientId, a.packetId());
    }
  }

  void onPubrec(Pubrec r) {
    boolean known = c.session.received(r.packetId(), r.reasonCode().isError());
    if (r.reasonCode().isError()) {
      return;
    }
    ReasonCode reason =
        known || !c.isV5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    c.ctx.write(new Pubrel(r.packetId(), reason, MqttProperties.EMPTY), c.ctx.voidPromise());
  }

  void onPubcomp(Pubcomp p) {
    c.session.completed(p.packetId());
  }
}
