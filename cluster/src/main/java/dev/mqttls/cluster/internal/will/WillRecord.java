package dev.mqttls.cluster.internal.will;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.cluster.internal.wire.Frame;
import dev.mqttls.codec.Publish;
import java.util.Base64;

/**
 * One connection's will as the wills cache holds it: a string (so that a conditional remove
 * compares it by value on every node) of the node that holds the connection, a stamp unique to the
 * connection, the delay in seconds (Will Delay Interval capped by the session expiry) and the will
 * as a PUBLISH frame (the node-to-node form: topic, QoS, retain, properties, payload, and the
 * client id as its origin, for No Local).
 *
 * <pre>
 *   NODE \n STAMP \n DELAY \n base64(PUBLISH frame)
 * </pre>
 *
 * @param node the node that holds the connection
 * @param stamp unique to the connection (node, start of the node, counter)
 * @param delaySeconds how long after the connection is lost the will is due
 * @param frame the will as a PUBLISH frame
 */
record WillRecord(String node, String stamp, long delaySeconds, byte[] frame) {
  /** The record of {@code will} (a message made by {@code Wills.message}; not consumed). */
  static WillRecord of(String node, String stamp, long delaySeconds, Message will) {
    return new WillRecord(node, stamp, delaySeconds, Frame.publish(0, will));
  }

  /** The cache's form. */
  String encoded() {
    return node
        + '\n'
        + stamp
        + '\n'
        + delaySeconds
        + '\n'
        + Base64.getEncoder().encodeToString(frame);
  }

  /**
   * Reads the cache's form.
   *
   * @throws IllegalArgumentException when it is not one (a node of another version, or our bug)
   */
  static WillRecord decode(String s) {
    int a = s.indexOf('\n');
    int b = s.indexOf('\n', a + 1);
    int c = s.indexOf('\n', b + 1);
    if (a < 0 || b < 0 || c < 0) {
      throw new IllegalArgumentException("not a will record");
    }
    return new WillRecord(
        s.substring(0, a),
        s.substring(a + 1, b),
        Long.parseLong(s.substring(b + 1, c)),
        Base64.getDecoder().decode(s.substring(c + 1)));
  }

  /** The will as a message to route, expiring as its properties say from {@code nowNanos}. */
  Message message(long nowNanos) {
    Publish p = Frame.packet(frame, 0, frame.length);
    return Message.of(p, Frame.origin(frame, 0), null, nowNanos);
  }

  /** The client id whose will this is. */
  String clientId() {
    return Frame.origin(frame, 0);
  }

  @Override
  public String toString() {
    // Never the payload.
    return "WillRecord[" + node + ", " + stamp + ", " + delaySeconds + " s]";
  }
}
