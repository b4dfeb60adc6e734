package dev.mqttls.broker.internal.persistence;

import static dev.mqttls.broker.internal.persistence.JournalFormat.*;

import dev.mqttls.broker.internal.persistence.Journal.SessionRecord;
import dev.mqttls.broker.internal.persistence.Journal.StoredMessage;
import dev.mqttls.broker.internal.persistence.Journal.StoredSession;
import dev.mqttls.broker.internal.routing.Message;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the store at start-up: every entry read back into sessions, their messages and
 * packet ids, and the retained messages. Kept apart from {@link RocksJournal}, whose subject is
 * writing durably; this is only ever run once, before any connection is accepted.
 */
final class JournalLoader {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /**
   * What the store held: the sessions, the highest message sequence number, and the client ids
   * whose messages outlived their session record (their messages are released already).
   */
  record Loaded(List<StoredSession> sessions, long maxSeq, List<String> orphans) {}

  private final Path directory;
  private final long nowMillis;
  private final long nowNanos;
  private final Map<String, SessionRecord> records = new LinkedHashMap<>();
  private final Map<String, List<StoredMessage>> messages = new LinkedHashMap<>();
  private final Map<String, Map<Long, Integer>> packetIds = new LinkedHashMap<>();
  private final Map<String, Set<Integer>> pubrels = new LinkedHashMap<>();
  private final Map<String, Set<Integer>> incoming = new LinkedHashMap<>();
  private long maxSeq;

  JournalLoader(Path directory, long nowMillis, long nowNanos) {
    this.directory = directory;
    this.nowMillis = nowMillis;
    this.nowNanos = nowNanos;
  }

  /**
   * Reads everything back: calls {@code retained} with each unexpired retained message (the sink
   * owns it) and {@code expired} with the key of each stored message that expired while the broker
   * was down. Messages of a client without a session record (its session ended while a publisher
   * was writing) are released and named in {@link Loaded#orphans()}, for the caller to delete.
   */
  Loaded scan(RocksDB db, BiConsumer<String, Message> retained, Consumer<byte[]> expired) {
    EmbeddedChannel decoder = newDecoder();
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        try {
          read(key, it.value(), decoder, retained, expired);
        } catch (IOException | RuntimeException e) {
          LOG.warn("Persistence store {}: skipping unreadable entry: {}", directory, e.toString());
          // A decoder that saw bad input stays failed: start a fresh one.
          decoder.finishAndReleaseAll();
          decoder = newDecoder();
        }
      }
    } finally {
      decoder.finishAndReleaseAll();
    }
    return new Loaded(sessions(), maxSeq, orphans());
  }

  private void read(
      byte[] key,
      byte[] value,
      EmbeddedChannel decoder,
      BiConsumer<String, Message> retained,
      Consumer<byte[]> expired)
      throws IOException {
    byte type = key[0];
    if (type == VERSION) {
      return;
    }
    if (type == RETAINED) {
      Message m = readMessage(valueStream(value), decoder, nowMillis, nowNanos, "");
      if (m != null) {
        retained.accept(new String(key, 1, key.length - 1, StandardCharsets.UTF_8), m);
      }
      return;
    }
    if (type == SESSION) {
      String id = new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
      records.put(id, readSession(id, value));
      return;
    }
    int zero = indexOfZero(key);
    String id = new String(key, 1, zero - 1, StandardCharsets.UTF_8);
    switch (type) {
      case MESSAGE -> readMessageEntry(id, key, zero, value, decoder, expired);
      case PACKET_ID ->
          packetIds
              .computeIfAbsent(id, k -> new LinkedHashMap<>())
              .put(readLong(key, zero + 1), readPacketId(value));
      case PUBREL ->
          pubrels.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(packetIdAt(key, zero + 1));
      case INCOMING_QOS2 ->
          incoming.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(packetIdAt(key, zero + 1));
      default -> LOG.warn("Persistence store {}: skipping unknown key type {}", directory, type);
    }
  }

  private void readMessageEntry(
      String id,
      byte[] key,
      int zero,
      byte[] value,
      EmbeddedChannel decoder,
      Consumer<byte[]> expired)
      throws IOException {
    long seq = readLong(key, zero + 1);
    maxSeq = Math.max(maxSeq, seq);
    StoredMessage m = JournalCodec.message(seq, value, 0, decoder, nowMillis, nowNanos);
    if (m == null) {
      expired.accept(key);
    } else {
      messages.computeIfAbsent(id, k -> new ArrayList<>()).add(m);
    }
  }

  private static int packetIdAt(byte[] key, int at) {
    return ((key[at] & 0xFF) << 8) | (key[at + 1] & 0xFF);
  }

  private List<StoredSession> sessions() {
    List<StoredSession> out = new ArrayList<>();
    for (SessionRecord r : records.values()) {
      List<StoredMessage> ms = messages.getOrDefault(r.clientId(), List.of());
      Map<Long, Integer> ids = packetIds.getOrDefault(r.clientId(), Map.of());
      List<StoredMessage> withIds = new ArrayList<>(ms.size());
      for (StoredMessage m : ms) {
        withIds.add(
            new StoredMessage(
                m.seq(), m.message(), m.qos(), m.retain(), m.ids(), ids.getOrDefault(m.seq(), 0)));
      }
      out.add(
          new StoredSession(
              r,
              withIds,
              pubrels.getOrDefault(r.clientId(), Set.of()),
              incoming.getOrDefault(r.clientId(), Set.of())));
    }
    return out;
  }

  private List<String> orphans() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<StoredMessage>> e : messages.entrySet()) {
      if (!records.containsKey(e.getKey())) {
        for (StoredMessage m : e.getValue()) {
          m.message().release();
        }
        out.add(e.getKey());
      }
    }
    return out;
  }
}
