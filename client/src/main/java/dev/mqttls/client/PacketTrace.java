package dev.mqttls.client;

import dev.mqttls.codec.MqttPacket;

/**
 * Sees every MQTT packet a client sends or receives, for a debug trace such as {@code mosquitto_pub
 * -d}. It is called on the connection's event loop, in wire order, before a packet is encoded or
 * after it is decoded: it must return quickly, must not block, and must not keep the packet (a
 * PUBLISH's payload is released after the call). What it throws is logged and ignored. A CONNECT
 * carries the password and a PUBLISH the payload: a trace that prints packets should print neither,
 * as {@code mosquitto_pub -d} prints only their sizes.
 */
@FunctionalInterface
public interface PacketTrace {

  /** Which way a packet went. */
  enum Direction {
    /** From this client to the broker. */
    SENT,
    /** From the broker to this client. */
    RECEIVED
  }

  /**
   * Called for one packet.
   *
   * @param direction whether the client sent or received it
   * @param packet the packet; a received PUBLISH's payload is readable during the call only
   */
  void packet(Direction direction, MqttPacket packet);
}
