package dev.mqttls.broker.internal.persistence;

import static dev.mqttls.broker.internal.persistence.JournalFormat.*;

import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.time.Ticker;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk store ({@code persistence true}): persistent sessions with their subscriptions,
 * queued and in-flight QoS 1/2 messages, QoS 2 packet ids on both sides, and retained messages.
 *
 * <p>Every write goes through RocksDB's write-ahead log before the call returns, without fsync:
 * what a call wrote survives a killed process (not a power cut). Callers write before they
 * acknowledge, so an acknowledged message is never lost by a kill. Writes happen on the caller's
 * thread (an event loop); each costs one WAL append, which is the price of the promise.
 *
 * <p>Keys: a type byte, then for per-client data the client id in UTF-8, a 0 byte (client ids hold
 * no U+0000, MQTT 5 section 1.5.4) and a suffix. {@code S}id: the session record; {@code M}id 0
 * seq: a message for that client; {@code P}id 0 seq: the packet id it was sent with; {@code R}id 0
 * packetId: an outgoing QoS 2 awaiting PUBCOMP; {@code Q}id 0 packetId: an incoming QoS 2 awaiting
 * PUBREL; {@code T}topic: a retained message. Thread-safe.
 */
public final class RocksJournal implements Journal {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private final Path directory;
  private final Ticker ticker;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions writes;
  private final AtomicLong sequence = new AtomicLong(1);
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong();
  private static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;

  private RocksJournal(Path directory, Options options, RocksDB db, Ticker ticker) {
    this.ticker = ticker;
    this.directory = directory;
    this.options = options;
    this.db = db;
    // WAL on (the default), no fsync: survives a process kill, which is what we promise.
    this.writes = new WriteOptions().setSync(false).setDisableWAL(false);
  }

  /**
   * Opens (creating when missing) the store in {@code directory}.
   *
   * @throws BrokerStartException naming the directory and why it cannot be used
   */
  public static RocksJournal open(Path directory, Ticker ticker) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new BrokerStartException(
          "persistence: cannot create store directory " + directory + ": " + describe(e), e);
    }
    if (!Files.isWritable(directory)) {
      throw new BrokerStartException(
          "persistence: store directory " + directory + " is not writable by this user", null);
    }
    RocksDB.loadLibrary();
    Options options = new Options().setCreateIfMissing(true).setKeepLogFileNum(2);
    try {
      RocksDB db = RocksDB.open(options, directory.toString());
      RocksJournal s = new RocksJournal(directory, options, db, ticker);
      LOG.info("Persistence store opened in {}", directory);
      return s;
    } catch (RocksDBException e) {
      options.close();
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      if (why.contains("lock")) {
        why = "locked by another process (is another broker using it?): " + why;
      }
      throw new BrokerStartException(
          "persistence: cannot open store " + directory + ": " + why.strip(), e);
    }
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }

  @Override
  public boolean keepsSessions() {
    return true;
  }

  @Override
  public String describe() {
    return directory.toString();
  }

  // ---- sessions

  @Override
  public void putSession(SessionRecord r) {
    put(sessionKey(r.clientId()), sessionValue(r));
  }

  @Override
  public void removeSession(String clientId) {
    try (WriteBatch b = new WriteBatch()) {
      b.delete(sessionKey(clientId));
      for (byte type : PER_CLIENT) {
        byte[] from = clientPrefix(type, clientId);
        byte[] to = from.clone();
        to[to.length - 1] = 1;
        b.deleteRange(from, to);
      }
      write(b);
    } catch (RocksDBException e) {
      failed(e);
    }
  }

  // ---- messages to a session

  @Override
  public long putMessage(String clientId, Message m, int qos, boolean retain, List<Integer> ids) {
    long seq = sequence.getAndIncrement();
    long nowMillis = ticker.currentTimeMillis();
    long nowNanos = ticker.nanoTime();
    byte[] value =
        serialize(
            out -> {
              out.writeByte(qos);
              out.writeBoolean(retain);
              out.writeInt(ids.size());
              for (int id : ids) {
                out.writeInt(id);
              }
              writeMessage(out, m, nowMillis, nowNanos);
            });
    put(seqKey(MESSAGE, clientId, seq), value);
    return seq;
  }

  /** The message {@code seq} went out with {@code packetId}; a restart resends it with that id. */
  @Override
  public void markInFlight(String clientId, long seq, int packetId) {
    put(seqKey(PACKET_ID, clientId, seq), new byte[] {(byte) (packetId >> 8), (byte) packetId});
  }

  /** The message {@code seq} is done with (acknowledged, expired, dropped). */
  @Override
  public void removeMessage(String clientId, long seq) {
    try (WriteBatch b = new WriteBatch()) {
      b.delete(seqKey(MESSAGE, clientId, seq));
      b.delete(seqKey(PACKET_ID, clientId, seq));
      write(b);
    } catch (RocksDBException e) {
      failed(e);
    }
  }

  /** PUBREC came for message {@code seq}: only its packet id remains, awaiting PUBCOMP. */
  @Override
  public void messageReceived(String clientId, long seq, int packetId) {
    try (WriteBatch b = new WriteBatch()) {
      b.delete(seqKey(MESSAGE, clientId, seq));
      b.delete(seqKey(PACKET_ID, clientId, seq));
      b.put(idKey(PUBREL, clientId, packetId), EMPTY);
      write(b);
    } catch (RocksDBException e) {
      failed(e);
    }
  }

  @Override
  public void removePubrel(String clientId, int packetId) {
    delete(idKey(PUBREL, clientId, packetId));
  }

  @Override
  public void putIncomingQos2(String clientId, int packetId) {
    put(idKey(INCOMING_QOS2, clientId, packetId), EMPTY);
  }

  @Override
  public void removeIncomingQos2(String clientId, int packetId) {
    delete(idKey(INCOMING_QOS2, clientId, packetId));
  }

  // ---- retained

  /** Stores {@code m} as the retained message of {@code topic}, or clears it (empty payload). */
  @Override
  public void putRetained(String topic, Message m) {
    byte[] key = retainedKey(topic);
    if (!m.publish().payload().isReadable()) {
      delete(key);
      return;
    }
    long nowMillis = ticker.currentTimeMillis();
    long nowNanos = ticker.nanoTime();
    put(key, serialize(out -> writeMessage(out, m, nowMillis, nowNanos)));
  }

  // ---- loading

  /**
   * Reads everything back: calls {@code retained} with each unexpired retained message (the sink
   * owns it) and returns the sessions. Messages of a client without a session record (its session
   * ended while a publisher was writing) are deleted.
   */
  @Override
  public List<StoredSession> load(BiConsumer<String, Message> retained) {
    Map<String, SessionRecord> records = new LinkedHashMap<>();
    Map<String, List<StoredMessage>> messages = new LinkedHashMap<>();
    Map<String, Map<Long, Integer>> packetIds = new LinkedHashMap<>();
    Map<String, Set<Integer>> pubrels = new LinkedHashMap<>();
    Map<String, Set<Integer>> incoming = new LinkedHashMap<>();
    long maxSeq = 0;
    long nowMillis = ticker.currentTimeMillis();
    long nowNanos = ticker.nanoTime();
    EmbeddedChannel decoder = newDecoder();
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        byte[] value = it.value();
        byte type = key[0];
        try {
          if (type == RETAINED) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
            Message m = readMessage(in, decoder, nowMillis, nowNanos, "");
            if (m != null) {
              retained.accept(new String(key, 1, key.length - 1, StandardCharsets.UTF_8), m);
            }
            continue;
          }
          if (type == SESSION) {
            String id = new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
            records.put(id, readSession(id, value));
            continue;
          }
          int zero = indexOfZero(key);
          String id = new String(key, 1, zero - 1, StandardCharsets.UTF_8);
          switch (type) {
            case MESSAGE -> {
              long seq = readLong(key, zero + 1);
              maxSeq = Math.max(maxSeq, seq);
              DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
              int qos = in.readByte();
              boolean retain = in.readBoolean();
              int n = in.readInt();
              List<Integer> ids = new ArrayList<>(n);
              for (int i = 0; i < n; i++) {
                ids.add(in.readInt());
              }
              Message m = readMessage(in, decoder, nowMillis, nowNanos, "");
              if (m == null) {
                delete(key);
              } else {
                messages
                    .computeIfAbsent(id, k -> new ArrayList<>())
                    .add(new StoredMessage(seq, m, qos, retain, List.copyOf(ids), 0));
              }
            }
            case PACKET_ID ->
                packetIds
                    .computeIfAbsent(id, k -> new LinkedHashMap<>())
                    .put(readLong(key, zero + 1), ((value[0] & 0xFF) << 8) | (value[1] & 0xFF));
            case PUBREL ->
                pubrels
                    .computeIfAbsent(id, k -> new LinkedHashSet<>())
                    .add(((key[zero + 1] & 0xFF) << 8) | (key[zero + 2] & 0xFF));
            case INCOMING_QOS2 ->
                incoming
                    .computeIfAbsent(id, k -> new LinkedHashSet<>())
                    .add(((key[zero + 1] & 0xFF) << 8) | (key[zero + 2] & 0xFF));
            default ->
                LOG.warn("Persistence store {}: skipping unknown key type {}", directory, type);
          }
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
    sequence.set(maxSeq + 1);
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
    for (Map.Entry<String, List<StoredMessage>> e : messages.entrySet()) {
      if (!records.containsKey(e.getKey())) {
        for (StoredMessage m : e.getValue()) {
          m.message().release();
        }
        removeSession(e.getKey());
      }
    }
    return out;
  }

  private static void writeMessage(DataOutputStream out, Message m, long nowMillis, long nowNanos)
      throws IOException {
    byte[] form = m.storedForm();
    if (form == null) {
      form = serialize(o -> encodeMessage(o, m, nowMillis, nowNanos));
      // Benign race: two threads would make the same bytes.
      m.storedForm(form);
    }
    out.write(form);
  }

  // ---- writing

  private void put(byte[] key, byte[] value) {
    lock.readLock().lock();
    try {
      if (!closed) {
        db.put(writes, key, value);
      }
    } catch (RocksDBException e) {
      failed(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  private void delete(byte[] key) {
    lock.readLock().lock();
    try {
      if (!closed) {
        db.delete(writes, key);
      }
    } catch (RocksDBException e) {
      failed(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  private void write(WriteBatch b) throws RocksDBException {
    lock.readLock().lock();
    try {
      if (!closed) {
        db.write(writes, b);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private void failed(RocksDBException e) {
    if (closed) {
      return;
    }
    failures.incrementAndGet();
    long now = ticker.nanoTime();
    long last = lastFailureLog.get();
    if (last != 0 && now - last < FAILURE_LOG_INTERVAL_NANOS) {
      return;
    }
    if (lastFailureLog.compareAndSet(last, now == 0 ? 1 : now)) {
      // The broker keeps serving from memory; what was not written is lost only on a crash.
      LOG.error(
          "Persistence store {}: write failed ({} failed writes so far; is the disk full?): {}",
          directory,
          failures.get(),
          e.getMessage());
    }
  }

  /** Flushes nothing extra (the WAL already holds every write) and closes the database. */
  @Override
  public void close() {
    // Writers hold the read lock: a write racing shutdown never touches a freed native handle.
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      writes.close();
      db.close();
      options.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
