package dev.mqttls.broker.internal.persistence;

import dev.mqttls.broker.internal.persistence.Journal.SessionRecord;
import dev.mqttls.broker.internal.routing.ClientSubscription;
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
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link RocksJournal} lays out its keys and values. A message is its deadline (wall clock, -1:
 * none) then its PUBLISH as MQTT 5 bytes, which the codec reads back.
 *
 * <p>Versions: format 0 (mqttls before the version byte) has none; format 1 starts every session,
 * message and retained value with {@link #FORMAT_1} and adds the store's format under the key
 * {@link #FORMAT_KEY}. The marker cannot be mistaken for a format 0 value, whose first byte is 0 (a
 * session's expiry, a retained message's deadline), 1 or 2 (a message's QoS) or 0xFF (a deadline of
 * -1). A packet id value (format 0: 2 bytes) gets the marker too, 3 bytes in all. Keys are the same
 * in both formats. A store of a later format than {@link #CURRENT} is not opened.
 */
final class JournalFormat {
  /** The format this code writes. */
  static final int CURRENT = 1;

  /** First byte of a format 1 value: the high bit tells it from every format 0 first byte. */
  static final byte FORMAT_1 = (byte) 0x81;

  /** Holds the store's format (one byte); absent in format 0 stores. */
  static final byte[] FORMAT_KEY = {'V'};

  static final byte VERSION = 'V';

  static final byte SESSION = 'S';
  static final byte MESSAGE = 'M';
  static final byte PACKET_ID = 'P';
  static final byte PUBREL = 'R';
  static final byte INCOMING_QOS2 = 'Q';
  static final byte RETAINED = 'T';
  static final byte[] PER_CLIENT = {MESSAGE, PACKET_ID, PUBREL, INCOMING_QOS2};
  static final byte[] EMPTY = new byte[0];

  private JournalFormat() {}

  /**
   * A client-side decoder reads the stored PUBLISHes back; it wants a CONNACK first, as on the
   * wire.
   */
  static EmbeddedChannel newDecoder() {
    EmbeddedChannel ch =
        new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, MqttVersion.V5));
    ch.writeInbound(
        MqttEncoder.encode(
            new Connack(false, ReasonCode.SUCCESS, MqttProperties.EMPTY),
            MqttVersion.V5,
            UnpooledByteBufAllocator.DEFAULT));
    io.netty.util.ReferenceCountUtil.release(ch.readInbound());
    return ch;
  }

  /**
   * Reads a value's version marker: a stream past it for format 1, the whole value for format 0.
   *
   * @throws IOException for a later format's marker
   */
  static DataInputStream valueStream(byte[] value) throws IOException {
    if (value.length > 0 && value[0] == FORMAT_1) {
      return new DataInputStream(new ByteArrayInputStream(value, 1, value.length - 1));
    }
    if (value.length > 0 && (value[0] & 0x80) != 0 && value[0] != (byte) 0xFF) {
      throw new IOException(
          "value of a later store format (marker 0x" + Integer.toHexString(value[0] & 0xFF) + ")");
    }
    return new DataInputStream(new ByteArrayInputStream(value));
  }

  static byte[] packetIdValue(int packetId) {
    return new byte[] {FORMAT_1, (byte) (packetId >> 8), (byte) packetId};
  }

  static int readPacketId(byte[] value) {
    int at = value.length == 3 && value[0] == FORMAT_1 ? 1 : 0;
    return ((value[at] & 0xFF) << 8) | (value[at + 1] & 0xFF);
  }

  static byte[] sessionValue(SessionRecord r) {
    return serialize(
        out -> {
          out.writeLong(r.expiryInterval());
          out.writeLong(r.disconnectedAtMillis());
          writeNullable(out, r.username());
          out.writeInt(r.subscriptions().size());
          for (ClientSubscription s : r.subscriptions()) {
            out.writeUTF(s.filter());
            writeNullable(out, s.shareGroup());
            out.writeByte(s.qos());
            out.writeBoolean(s.noLocal());
            out.writeBoolean(s.retainAsPublished());
            out.writeByte(s.retainHandling());
            out.writeInt(s.subscriptionId());
          }
        });
  }

  static SessionRecord readSession(String id, byte[] value) throws IOException {
    DataInputStream in = valueStream(value);
    long expiry = in.readLong();
    long disconnectedAt = in.readLong();
    String username = readNullable(in);
    int n = in.readInt();
    List<ClientSubscription> subs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String filter = in.readUTF();
      String group = readNullable(in);
      int qos = in.readByte();
      boolean noLocal = in.readBoolean();
      boolean rap = in.readBoolean();
      int rh = in.readByte();
      int subId = in.readInt();
      subs.add(new ClientSubscription(id, filter, group, qos, noLocal, rap, rh, subId));
    }
    return new SessionRecord(id, expiry, disconnectedAt, username, subs);
  }

  // ---- message encoding: deadline, then the PUBLISH as MQTT 5 bytes (the codec reads it back)

  /** Writes a value with {@link DataOutputStream}; memory only, so no I/O error escapes. */
  interface ValueWriter {
    void write(DataOutputStream out) throws IOException;
  }

  /** A value of the current format: the marker, then what {@code w} writes. */
  static byte[] serialize(ValueWriter w) {
    return serializeBare(
        out -> {
          out.writeByte(FORMAT_1);
          w.write(out);
        });
  }

  /** Bytes without a marker (a message's cached stored form, which goes inside a value). */
  static byte[] serializeBare(ValueWriter w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static void encodeMessage(DataOutputStream out, Message m, long nowMillis, long nowNanos)
      throws IOException {
    long deadline = m.hasExpiry() ? nowMillis + (m.expiresAtNanos() - nowNanos) / 1_000_000L : -1;
    out.writeLong(deadline);
    ByteBuf encoded = m.encodedForStorage();
    try {
      out.writeInt(encoded.readableBytes());
      out.write(ByteBufUtil.getBytes(encoded));
    } finally {
      encoded.release();
    }
  }

  /** The message, or null when it has expired. */
  static Message readMessage(
      DataInputStream in, EmbeddedChannel decoder, long nowMillis, long nowNanos, String origin)
      throws IOException {
    long deadline = in.readLong();
    int n = in.readInt();
    byte[] bytes = in.readNBytes(n);
    if (bytes.length != n) {
      throw new IOException("truncated message");
    }
    if (deadline != -1 && deadline <= nowMillis) {
      return null;
    }
    decoder.writeInbound(Unpooled.wrappedBuffer(bytes));
    Object o = decoder.readInbound();
    if (!(o instanceof Publish p)) {
      io.netty.util.ReferenceCountUtil.release(o);
      throw new IOException("not a PUBLISH: " + o);
    }
    Publish copy =
        new Publish(
            false,
            p.qos(),
            p.retainFlag(),
            p.topic(),
            p.packetId(),
            p.properties(),
            Unpooled.copiedBuffer(p.payload()));
    p.release();
    long expiresAt =
        deadline == -1 ? Long.MAX_VALUE : nowNanos + (deadline - nowMillis) * 1_000_000L;
    return new Message(copy, expiresAt, origin, null);
  }

  static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  // ---- keys

  static byte[] sessionKey(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + id.length];
    k[0] = SESSION;
    System.arraycopy(id, 0, k, 1, id.length);
    return k;
  }

  static byte[] retainedKey(String topic) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + t.length];
    k[0] = RETAINED;
    System.arraycopy(t, 0, k, 1, t.length);
    return k;
  }

  static byte[] clientPrefix(byte type, String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[2 + id.length];
    k[0] = type;
    System.arraycopy(id, 0, k, 1, id.length);
    return k;
  }

  static byte[] seqKey(byte type, String clientId, long seq) {
    byte[] p = clientPrefix(type, clientId);
    byte[] k = new byte[p.length + 8];
    System.arraycopy(p, 0, k, 0, p.length);
    for (int i = 0; i < 8; i++) {
      k[p.length + i] = (byte) (seq >>> (56 - 8 * i));
    }
    return k;
  }

  static byte[] idKey(byte type, String clientId, int packetId) {
    byte[] p = clientPrefix(type, clientId);
    byte[] k = new byte[p.length + 2];
    System.arraycopy(p, 0, k, 0, p.length);
    k[p.length] = (byte) (packetId >> 8);
    k[p.length + 1] = (byte) packetId;
    return k;
  }

  static int indexOfZero(byte[] key) {
    for (int i = 1; i < key.length; i++) {
      if (key[i] == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("key without client id terminator");
  }

  static long readLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }
}
