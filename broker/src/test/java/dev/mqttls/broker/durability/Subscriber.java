package dev.mqttls.broker.durability;

import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * A persistent-session subscriber that acknowledges what it gets and counts it: unique payloads and
 * every delivery. Its QoS 2 receiver state (packet ids awaiting PUBREL) outlives its connections,
 * as a client's session state does, so that a resent QoS 2 PUBLISH is not counted twice. Used by
 * one thread at a time.
 */
final class Subscriber {
  final String clientId;
  final MqttVersion version;
  final Set<String> unique = new HashSet<>();
  int deliveries;
  private final Set<Integer> awaitingRelease = new HashSet<>();

  Subscriber(String clientId, MqttVersion version) {
    this.clientId = clientId;
    this.version = version;
  }

  WireClient connect(int port) throws IOException {
    return WireClient.connect(port, version, clientId, true);
  }

  /**
   * Reads and acknowledges until the connection ends, nothing arrives for {@code quiet}, or {@code
   * limit} passes.
   */
  void consume(WireClient c, Duration quiet, Duration limit) throws IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      MqttPacket p = c.poll(quiet);
      if (p == null || p == WireClient.CLOSED) {
        return;
      }
      handle(c, p);
    }
  }

  private void handle(WireClient c, MqttPacket p) throws IOException {
    if (p instanceof Publish pub) {
      int qos = pub.qos().code();
      if (qos == 2) {
        if (!awaitingRelease.add(pub.packetId())) {
          // the same message again (our PUBREC was lost): acknowledge, do not deliver twice
          c.send(new Pubrec(pub.packetId()));
          return;
        }
        c.send(new Pubrec(pub.packetId()));
      } else if (qos == 1) {
        c.send(new Puback(pub.packetId()));
      }
      deliveries++;
      unique.add(WireClient.text(pub));
    } else if (p instanceof Pubrel r) {
      awaitingRelease.remove(r.packetId());
      c.send(new Pubcomp(r.packetId()));
    }
  }
}
