package dev.mqttls.cluster.internal.wire;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;

/**
 * The frames of node-to-node messaging, in one byte array each. A PUBLISH travels as its MQTT 5
 * encoding (our codec, so every property survives: subscription identifiers are added per
 * subscriber on the receiving node) with its publisher's client id (for No Local) and a sequence
 * number the receiver acknowledges (0: no acknowledgement wanted).
 *
 * <pre>
 *   PUBLISH  : 1, seq (8), origin length (2), origin (UTF-8), MQTT 5 PUBLISH packet
 *   ACK      : 2, seq (8)
 *   TAKEOVER : 3, client id length (2), client id (UTF-8)
 *   HANDED_OVER : 4, client id length (2), client id (UTF-8)  (the answer to TAKEOVER)
 *   HAND_OFF : 5, client id length (2), client id (UTF-8)
 *   ADOPTED  : 6, client id length (2), client id (UTF-8)  (the answer to HAND_OFF)
 * </pre>
 */
public final class Frame {
  public static final byte PUBLISH = 1;
  public static final byte ACK = 2;
  public static final byte TAKEOVER = 3;
  public static final byte HANDED_OVER = 4;
  public static final byte HAND_OFF = 5;
  public static final byte ADOPTED = 6;

  private static final FastThreadLocal<EmbeddedChannel> DECODERS =
      new FastThreadLocal<>() {
        @Override
        protected EmbeddedChannel initialValue() {
          EmbeddedChannel ch =
              new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, MqttVersion.V5));
          // A client's decoder takes a PUBLISH only after the CONNACK that opens a connection.
          ch.writeInbound(
              MqttEncoder.encode(
                  new Connack(false, ReasonCode.SUCCESS, MqttProperties.EMPTY),
                  MqttVersion.V5,
                  UnpooledByteBufAllocator.DEFAULT));
          io.netty.util.ReferenceCountUtil.release(ch.readInbound());
          return ch;
        }
      };

  private Frame() {}

  /** A PUBLISH frame for {@code m}: encoded once, sent as is to every node with a match. */
  public static byte[] publish(long seq, Message m) {
    ByteBuf mqtt = m.encodedForStorage();
    try {
      byte[] origin = m.origin().getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[1 + 8 + 2 + origin.length + mqtt.readableBytes()];
      ByteBuf w = Unpooled.wrappedBuffer(out).writerIndex(0);
      w.writeByte(PUBLISH).writeLong(seq).writeShort(origin.length).writeBytes(origin);
      w.writeBytes(mqtt);
      return out;
    } finally {
      mqtt.release();
    }
  }

  /** An acknowledgement of PUBLISH frame {@code seq}. */
  public static byte[] ack(long seq) {
    byte[] out = new byte[9];
    Unpooled.wrappedBuffer(out).writerIndex(0).writeByte(ACK).writeLong(seq);
    return out;
  }

  /** Tells the node holding {@code clientId} that another node took it over. */
  public static byte[] takeover(String clientId) {
    return withClientId(TAKEOVER, clientId);
  }

  /**
   * The answer to a TAKEOVER: this node ended its copy of {@code clientId}'s session and its writes
   * for it are in the session cache.
   */
  public static byte[] handedOver(String clientId) {
    return withClientId(HANDED_OVER, clientId);
  }

  /** Asks a node to adopt {@code clientId}'s session: the sending node is leaving the cluster. */
  public static byte[] handOff(String clientId) {
    return withClientId(HAND_OFF, clientId);
  }

  /** The answer to a HAND_OFF: the session of {@code clientId} is held here now (or was none). */
  public static byte[] adopted(String clientId) {
    return withClientId(ADOPTED, clientId);
  }

  private static byte[] withClientId(byte kind, String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[3 + id.length];
    Unpooled.wrappedBuffer(out).writerIndex(0).writeByte(kind).writeShort(id.length).writeBytes(id);
    return out;
  }

  /** The kind of frame in {@code b}. */
  public static byte kind(byte[] b, int off) {
    return b[off];
  }

  /** The sequence number of a PUBLISH or ACK frame. */
  public static long seq(byte[] b, int off) {
    return Unpooled.wrappedBuffer(b).getLong(off + 1);
  }

  /** The client id of a TAKEOVER, HANDED_OVER, HAND_OFF or ADOPTED frame. */
  public static String clientId(byte[] b, int off) {
    int len = Unpooled.wrappedBuffer(b).getUnsignedShort(off + 1);
    return new String(b, off + 3, len, StandardCharsets.UTF_8);
  }

  /** The publisher's client id of a PUBLISH frame. */
  public static String origin(byte[] b, int off) {
    int len = Unpooled.wrappedBuffer(b).getUnsignedShort(off + 9);
    return new String(b, off + 11, len, StandardCharsets.UTF_8);
  }

  /**
   * The PUBLISH a PUBLISH frame carries, decoded by our strict codec; the caller owns it.
   *
   * @throws IllegalArgumentException when it is not one (a node of another version, or our bug)
   */
  public static Publish packet(byte[] b, int off, int len) {
    int originLen = Unpooled.wrappedBuffer(b).getUnsignedShort(off + 9);
    int start = off + 11 + originLen;
    EmbeddedChannel ch = DECODERS.get();
    ch.writeInbound(Unpooled.copiedBuffer(b, start, off + len - start));
    Object o = ch.readInbound();
    if (o instanceof Publish p) {
      return p;
    }
    io.netty.util.ReferenceCountUtil.release(o);
    DECODERS.remove();
    throw new IllegalArgumentException(
        "not a PUBLISH frame ("
            + (o == null ? "incomplete" : o.getClass().getSimpleName() + ": " + o)
            + ")");
  }
}
