package dev.mqttls.broker.internal.persistence;

import dev.mqttls.broker.internal.persistence.Journal.SessionRecord;
import dev.mqttls.broker.internal.persistence.Journal.StoredMessage;
import dev.mqttls.broker.internal.routing.Message;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's value formats for another store of the same state (a cluster node mirrors session
 * writes into a distributed cache): the very bytes {@link RocksJournal} writes, so that one format
 * is kept, and read back the way {@link JournalLoader} reads them.
 */
public final class JournalCodec {
  private JournalCodec() {}

  /** The value of a session record. */
  public static byte[] session(SessionRecord r) {
    return JournalFormat.sessionValue(r);
  }

  /** A session record read back from {@link #session(SessionRecord)}'s bytes. */
  public static SessionRecord session(String clientId, byte[] value) throws IOException {
    return JournalFormat.readSession(clientId, value);
  }

  /** The value of a QoS 1/2 message stored for a session. */
  public static byte[] message(
      Message m, int qos, boolean retain, List<Integer> ids, long nowMillis, long nowNanos) {
    return JournalFormat.serialize(
        out -> {
          out.writeByte(qos);
          out.writeBoolean(retain);
          out.writeInt(ids.size());
          for (int id : ids) {
            out.writeInt(id);
          }
          RocksJournal.writeMessage(out, m, nowMillis, nowNanos);
        });
  }

  /**
   * A stored message read back (the caller owns its {@link Message}), or null when it expired.
   *
   * @param decoder from {@link #decoder()}; after an exception, start a new one
   */
  public static StoredMessage message(
      long seq, byte[] value, int packetId, EmbeddedChannel decoder, long nowMillis, long nowNanos)
      throws IOException {
    DataInputStream in = JournalFormat.valueStream(value);
    int qos = in.readByte();
    boolean retain = in.readBoolean();
    int n = in.readInt();
    List<Integer> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(in.readInt());
    }
    Message m = JournalFormat.readMessage(in, decoder, nowMillis, nowNanos, "");
    return m == null ? null : new StoredMessage(seq, m, qos, retain, List.copyOf(ids), packetId);
  }

  /** A decoder for {@link #message(long, byte[], int, EmbeddedChannel, long, long)}. */
  public static EmbeddedChannel decoder() {
    return JournalFormat.newDecoder();
  }
}
