package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
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
final class PersistentStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private static final byte SESSION = 'S';
  private static final byte MESSAGE = 'M';
  private static final byte PACKET_ID = 'P';
  private static final byte PUBREL = 'R';
  private static final byte INCOMING_QOS2 = 'Q';
  private static final byte RETAINED = 'T';
  private static final byte[] PER_CLIENT = {MESSAGE, PACKET_ID, PUBREL, INCOMING_QOS2};
  private static final byte[] EMPTY = new byte[0];

  private final Path directory;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions writes;
  private final AtomicLong sequence = new AtomicLong(1);
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong();
  private static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;

  private PersistentStore(Path directory, Options options, RocksDB db) {
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
  static PersistentStore open(Path directory) {
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
      PersistentStore s = new PersistentStore(directory, options, db);
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

  Path directory() {
    return directory;
  }

  /** A new message sequence number, larger than any stored. */
  long nextSeq() {
    return sequence.getAndIncrement();
  }

  // ---- sessions

  /** What the store keeps of a session between its connections. */
  record SessionRecord(
      String clientId,
      long expiryInterval,
      long disconnectedAtMillis,
      String username,
      List<ClientSubscription> subscriptions) {}

  /** A message restored for a session, in the order it was stored. */
  record StoredMessage(
      long seq, Message message, int qos, boolean retain, List<Integer> ids, int packetId) {}

  /** A session restored from the store, with what was pending for it. */
  record StoredSession(
      SessionRecord record,
      List<StoredMessage> messages,
      Set<Integer> pubrels,
      Set<Integer> incomingQos2) {}

  void putSession(SessionRecord r) {
    byte[] value =
        serialize(
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
    put(sessionKey(r.clientId()), value);
  }

  /** Deletes the session of {@code clientId} and everything stored for it. */
  void removeSession(String clientId) {
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

  void putMessage(
      String clientId, long seq, Message m, int qos, boolean retain, List<Integer> ids) {
    byte[] value =
        serialize(
            out -> {
              out.writeByte(qos);
              out.writeBoolean(retain);
              out.writeInt(ids.size());
              for (int id : ids) {
                out.writeInt(id);
              }
              writeMessage(out, m);
            });
    put(seqKey(MESSAGE, clientId, seq), value);
  }

  /** The message {@code seq} went out with {@code packetId}; a restart resends it with that id. */
  void markInFlight(String clientId, long seq, int packetId) {
    put(seqKey(PACKET_ID, clientId, seq), new byte[] {(byte) (packetId >> 8), (byte) packetId});
  }

  /** The message {@code seq} is done with (acknowledged, expired, dropped). */
  void removeMessage(String clientId, long seq) {
    try (WriteBatch b = new WriteBatch()) {
      b.delete(seqKey(MESSAGE, clientId, seq));
      b.delete(seqKey(PACKET_ID, clientId, seq));
      write(b);
    } catch (RocksDBException e) {
      failed(e);
    }
  }

  /** PUBREC came for message {@code seq}: only its packet id remains, awaiting PUBCOMP. */
  void messageReceived(String clientId, long seq, int packetId) {
    try (WriteBatch b = new WriteBatch()) {
      b.delete(seqKey(MESSAGE, clientId, seq));
      b.delete(seqKey(PACKET_ID, clientId, seq));
      b.put(idKey(PUBREL, clientId, packetId), EMPTY);
      write(b);
    } catch (RocksDBException e) {
      failed(e);
    }
  }

  void removePubrel(String clientId, int packetId) {
    delete(idKey(PUBREL, clientId, packetId));
  }

  void putIncomingQos2(String clientId, int packetId) {
    put(idKey(INCOMING_QOS2, clientId, packetId), EMPTY);
  }

  void removeIncomingQos2(String clientId, int packetId) {
    delete(idKey(INCOMING_QOS2, clientId, packetId));
  }

  // ---- retained

  /** Stores {@code m} as the retained message of {@code topic}, or clears it (empty payload). */
  void putRetained(String topic, Message m) {
    byte[] key = retainedKey(topic);
    if (!m.publish().payload().isReadable()) {
      delete(key);
      return;
    }
    put(key, serialize(out -> writeMessage(out, m)));
  }

  // ---- loading

  /**
   * Reads everything back: calls {@code retained} with each unexpired retained message (the sink
   * owns it) and returns the sessions. Messages of a client without a session record (its session
   * ended while a publisher was writing) are deleted.
   */
  List<StoredSession> load(BiConsumer<String, Message> retained) {
    Map<String, SessionRecord> records = new LinkedHashMap<>();
    Map<String, List<StoredMessage>> messages = new LinkedHashMap<>();
    Map<String, Map<Long, Integer>> packetIds = new LinkedHashMap<>();
    Map<String, Set<Integer>> pubrels = new LinkedHashMap<>();
    Map<String, Set<Integer>> incoming = new LinkedHashMap<>();
    long maxSeq = 0;
    long nowMillis = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
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

  /**
   * A client-side decoder reads the stored PUBLISHes back; it wants a CONNACK first, as on the
   * wire.
   */
  private static EmbeddedChannel newDecoder() {
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

  private static SessionRecord readSession(String id, byte[] value) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
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
  private interface ValueWriter {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] serialize(ValueWriter w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeMessage(DataOutputStream out, Message m) throws IOException {
    byte[] form = m.storedForm();
    if (form == null) {
      form = serialize(o -> encodeMessage(o, m));
      // Benign race: two threads would make the same bytes.
      m.storedForm(form);
    }
    out.write(form);
  }

  private static void encodeMessage(DataOutputStream out, Message m) throws IOException {
    long deadline =
        m.hasExpiry()
            ? System.currentTimeMillis() + (m.expiresAtNanos() - System.nanoTime()) / 1_000_000L
            : -1;
    out.writeLong(deadline);
    Publish p = m.publish();
    Publish plain =
        new Publish(
            false,
            p.qos(),
            p.retainFlag(),
            p.topic(),
            p.qos() == Qos.AT_MOST_ONCE ? 0 : 1,
            p.properties(),
            p.payload());
    ByteBuf encoded = MqttEncoder.encode(plain, MqttVersion.V5, UnpooledByteBufAllocator.DEFAULT);
    try {
      out.writeInt(encoded.readableBytes());
      out.write(ByteBufUtil.getBytes(encoded));
    } finally {
      encoded.release();
    }
  }

  /** The message, or null when it has expired. */
  private static Message readMessage(
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

  private static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  // ---- keys

  private static byte[] sessionKey(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + id.length];
    k[0] = SESSION;
    System.arraycopy(id, 0, k, 1, id.length);
    return k;
  }

  private static byte[] retainedKey(String topic) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + t.length];
    k[0] = RETAINED;
    System.arraycopy(t, 0, k, 1, t.length);
    return k;
  }

  private static byte[] clientPrefix(byte type, String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[2 + id.length];
    k[0] = type;
    System.arraycopy(id, 0, k, 1, id.length);
    return k;
  }

  private static byte[] seqKey(byte type, String clientId, long seq) {
    byte[] p = clientPrefix(type, clientId);
    byte[] k = new byte[p.length + 8];
    System.arraycopy(p, 0, k, 0, p.length);
    for (int i = 0; i < 8; i++) {
      k[p.length + i] = (byte) (seq >>> (56 - 8 * i));
    }
    return k;
  }

  private static byte[] idKey(byte type, String clientId, int packetId) {
    byte[] p = clientPrefix(type, clientId);
    byte[] k = new byte[p.length + 2];
    System.arraycopy(p, 0, k, 0, p.length);
    k[p.length] = (byte) (packetId >> 8);
    k[p.length + 1] = (byte) packetId;
    return k;
  }

  private static int indexOfZero(byte[] key) {
    for (int i = 1; i < key.length; i++) {
      if (key[i] == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("key without client id terminator");
  }

  private static long readLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
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
    long now = System.nanoTime();
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
