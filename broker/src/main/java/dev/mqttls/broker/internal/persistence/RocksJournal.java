package dev.mqttls.broker.internal.persistence;

import static dev.mqttls.broker.internal.persistence.JournalFormat.*;

import dev.mqttls.broker.BrokerConfig.PersistenceSync;
import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.time.Ticker;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk store ({@code persistence true}): persistent sessions with their subscriptions,
 * queued and in-flight QoS 1/2 messages, QoS 2 packet ids on both sides, and retained messages.
 *
 * <p>Every write goes through RocksDB's write-ahead log before the call returns. What that promises
 * depends on {@link PersistenceSync}: {@code none}, no fsync (a killed process loses nothing
 * written, a power cut may); {@code batch}, acknowledgements wait in {@link #whenDurable} for one
 * fsync of the log shared by every event loop's turn, made off the loops by {@link GroupCommit};
 * {@code always}, each write is fsynced. Writes happen on the caller's thread (an event loop).
 *
 * <p>A failed write (a full disk, an I/O error) starts an episode: one error line naming the
 * directory and the operating system's error, the failure counted against the writing thread (so
 * that the publisher refuses instead of acknowledging), and, while it lasts, at most once a second
 * the database is closed and opened again, which replays its log and clears RocksDB's sticky error
 * state; the first write that succeeds ends the episode with one line.
 *
 * <p>Keys: a type byte, then for per-client data the client id in UTF-8, a 0 byte (client ids hold
 * no U+0000, MQTT 5 section 1.5.4) and a suffix. {@code S}id: the session record; {@code M}id 0
 * seq: a message for that client; {@code P}id 0 seq: the packet id it was sent with; {@code R}id 0
 * packetId: an outgoing QoS 2 awaiting PUBCOMP; {@code Q}id 0 packetId: an incoming QoS 2 awaiting
 * PUBREL; {@code T}topic: a retained message; {@code V}: the store's format ({@link
 * JournalFormat}). Thread-safe.
 */
public final class RocksJournal implements Journal {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");
  private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

  private final Path directory;
  private final Ticker ticker;
  private final Options options;
  private final PersistenceSync sync;
  private final WriteOptions writes;
  private final WriteOptions removals;
  private final AtomicLong sequence = new AtomicLong(1);
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /** Null while a reopen failed; guarded by {@link #lock}. */
  private volatile RocksDB db;

  private volatile boolean closed;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong episodeFailures = new AtomicLong();
  private volatile long failingSince;
  private final AtomicLong lastProbe = new AtomicLong();

  /** Per writing thread (an event loop): its failures and its acknowledgements awaiting a sync. */
  private final FastThreadLocal<Writer> writers =
      new FastThreadLocal<>() {
        @Override
        protected Writer initialValue() {
          return new Writer();
        }
      };

  private static final class Writer {
    int failures;
  }

  /** {@code persistence_sync batch}'s fsync thread and waiting acknowledgements; else null. */
  private final GroupCommit groupCommit;

  private RocksJournal(
      Path directory, Options options, RocksDB db, Ticker ticker, PersistenceSync sync) {
    this.ticker = ticker;
    this.directory = directory;
    this.options = options;
    this.db = db;
    this.sync = sync;
    this.writes = new WriteOptions().setSync(sync == PersistenceSync.ALWAYS).setDisableWAL(false);
    // A removal lost to a power cut means a duplicate after restart, never a loss: no fsync of
    // its own under batch.
    this.removals = sync == PersistenceSync.ALWAYS ? writes : new WriteOptions().setSync(false);
    this.groupCommit = sync == PersistenceSync.BATCH ? new GroupCommit(this::syncLog) : null;
  }

  /** Opens the store with {@code persistence_sync none}. */
  public static RocksJournal open(Path directory, Ticker ticker) {
    return open(directory, ticker, PersistenceSync.NONE);
  }

  /**
   * Opens (creating when missing) the store in {@code directory}; a store of format 0 (before the
   * version byte) is read as it is and written in the current format from then on.
   *
   * @throws BrokerStartException naming the directory and why it cannot be used
   */
  public static RocksJournal open(Path directory, Ticker ticker, PersistenceSync sync) {
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
    RocksDB db;
    try {
      db = RocksDB.open(options, directory.toString());
    } catch (RocksDBException e) {
      options.close();
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      if (why.contains("lock")) {
        why = "locked by another process (is another broker using it?): " + why;
      }
      throw new BrokerStartException(
          "persistence: cannot open store " + directory + ": " + why.strip(), e);
    }
    try {
      byte[] format = db.get(FORMAT_KEY);
      int version = format == null ? 0 : format[0];
      if (version > CURRENT) {
        throw new BrokerStartException(
            "persistence: store "
                + directory
                + " has format "
                + version
                + ", written by a later mqttls; this one reads formats up to "
                + CURRENT,
            null);
      }
      if (version != CURRENT) {
        db.put(FORMAT_KEY, new byte[] {(byte) CURRENT});
      }
    } catch (RocksDBException | BrokerStartException e) {
      db.close();
      options.close();
      if (e instanceof BrokerStartException b) {
        throw b;
      }
      throw new BrokerStartException(
          "persistence: cannot use store " + directory + ": " + e.getMessage(), e);
    }
    RocksJournal s = new RocksJournal(directory, options, db, ticker, sync);
    LOG.info(
        "Persistence store opened in {} (persistence_sync {})",
        directory,
        sync.name().toLowerCase(java.util.Locale.ROOT));
    return s;
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

  /** Failed writes since start-up, all threads. */
  public long failures() {
    return failures.get();
  }

  // ---- sessions

  @Override
  public void putSession(SessionRecord r) {
    mustPut(sessionKey(r.clientId()), sessionValue(r));
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
      apply(d -> d.write(removals, b), false);
    } catch (RocksDBException e) {
      // building the batch in memory: not a disk failure
      throw new IllegalStateException(e);
    }
  }

  // ---- messages to a session

  @Override
  public long putMessage(String clientId, Message m, int qos, boolean retain, List<Integer> ids) {
    long seq = sequence.getAndIncrement();
    long nowMillis = ticker.currentTimeMillis();
    long nowNanos = ticker.nanoTime();
    byte[] value = JournalCodec.message(m, qos, retain, ids, nowMillis, nowNanos);
    return mustPut(seqKey(MESSAGE, clientId, seq), value) ? seq : NOT_STORED;
  }

  /** The message {@code seq} went out with {@code packetId}; a restart resends it with that id. */
  @Override
  public void markInFlight(String clientId, long seq, int packetId) {
    // Not on an acknowledgement's path: lost, the restart resends the message with a new id.
    apply(d -> d.put(writes, seqKey(PACKET_ID, clientId, seq), packetIdValue(packetId)), false);
  }

  /** The message {@code seq} is done with (acknowledged, expired, dropped). */
  @Override
  public void removeMessage(String clientId, long seq) {
    try (WriteBatch b = new WriteBatch()) {
      b.delete(seqKey(MESSAGE, clientId, seq));
      b.delete(seqKey(PACKET_ID, clientId, seq));
      apply(d -> d.write(removals, b), false);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PUBREC came for message {@code seq}: only its packet id remains, awaiting PUBCOMP. */
  @Override
  public void messageReceived(String clientId, long seq, int packetId) {
    try (WriteBatch b = new WriteBatch()) {
      b.delete(seqKey(MESSAGE, clientId, seq));
      b.delete(seqKey(PACKET_ID, clientId, seq));
      b.put(idKey(PUBREL, clientId, packetId), EMPTY);
      apply(d -> d.write(writes, b), false);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void removePubrel(String clientId, int packetId) {
    apply(d -> d.delete(removals, idKey(PUBREL, clientId, packetId)), false);
  }

  @Override
  public void putIncomingQos2(String clientId, int packetId) {
    mustPut(idKey(INCOMING_QOS2, clientId, packetId), EMPTY);
  }

  @Override
  public void removeIncomingQos2(String clientId, int packetId) {
    apply(d -> d.delete(removals, idKey(INCOMING_QOS2, clientId, packetId)), false);
  }

  // ---- retained

  /** Stores {@code m} as the retained message of {@code topic}, or clears it (empty payload). */
  @Override
  public void putRetained(String topic, Message m) {
    byte[] key = retainedKey(topic);
    if (!m.publish().payload().isReadable()) {
      // A clear is acknowledged too: it must not come back after a restart.
      apply(d -> d.delete(writes, key), true);
      return;
    }
    long nowMillis = ticker.currentTimeMillis();
    long nowNanos = ticker.nanoTime();
    mustPut(key, serialize(out -> writeMessage(out, m, nowMillis, nowNanos)));
  }

  // ---- loading

  /**
   * Reads everything back: calls {@code retained} with each unexpired retained message (the sink
   * owns it) and returns the sessions. Messages of a client without a session record (its session
   * ended while a publisher was writing) are deleted.
   */
  @Override
  public List<StoredSession> load(BiConsumer<String, Message> retained) {
    JournalLoader.Loaded loaded =
        new JournalLoader(directory, ticker.currentTimeMillis(), ticker.nanoTime())
            .scan(db(), retained, key -> apply(d -> d.delete(removals, key), false));
    sequence.set(loaded.maxSeq() + 1);
    loaded.orphans().forEach(this::removeSession);
    return loaded.sessions();
  }

  static void writeMessage(DataOutputStream out, Message m, long nowMillis, long nowNanos)
      throws IOException {
    byte[] form = m.storedForm();
    if (form == null) {
      form = serializeBare(o -> encodeMessage(o, m, nowMillis, nowNanos));
      // Benign race: two threads would make the same bytes.
      m.storedForm(form);
    }
    out.write(form);
  }

  // ---- writing

  /** One write against the database. */
  private interface Op {
    void run(RocksDB db) throws RocksDBException;
  }

  private boolean mustPut(byte[] key, byte[] value) {
    return apply(d -> d.put(writes, key, value), true);
  }

  /**
   * Runs {@code op}; on failure counts it (against this thread when an acknowledgement depends on
   * it: {@code acked}) and starts or continues the failure episode.
   */
  private boolean apply(Op op, boolean acked) {
    if (failing.get()) {
      probe();
    }
    boolean ok;
    lock.readLock().lock();
    try {
      if (closed) {
        return false;
      }
      RocksDB d = db;
      if (d == null) {
        ok = false;
        failed("the store could not be opened again");
      } else {
        op.run(d);
        ok = true;
      }
    } catch (RocksDBException e) {
      ok = false;
      failed(e.getMessage() == null ? e.toString() : e.getMessage());
    } finally {
      lock.readLock().unlock();
    }
    if (ok) {
      if (failing.get()) {
        resumed();
      }
      if (acked && groupCommit != null) {
        groupCommit.written();
      }
    } else if (acked) {
      writers.get().failures++;
    }
    return ok;
  }

  private void failed(String why) {
    failures.incrementAndGet();
    episodeFailures.incrementAndGet();
    if (failing.compareAndSet(false, true)) {
      failingSince = ticker.nanoTime();
      lastProbe.set(failingSince);
      LOG.error(
          "Persistence store {}: cannot write: {}; QoS 1/2 messages that need the store are"
              + " refused (not acknowledged) until writes succeed again, tried every second",
          directory,
          why.strip());
    }
  }

  private void resumed() {
    if (failing.compareAndSet(true, false)) {
      long seconds = (ticker.nanoTime() - failingSince) / 1_000_000_000L;
      LOG.info(
          "Persistence store {}: writes resumed after {} failed write(s) in {} s",
          directory,
          episodeFailures.getAndSet(0),
          seconds);
    }
  }

  /**
   * While failing, at most once a second: close and open the database again. RocksDB keeps a write
   * error sticky (a failed log append stops all writes), and its Java API has no resume; opening
   * again replays the log, which held everything written before the failure.
   */
  private void probe() {
    long now = ticker.nanoTime();
    long last = lastProbe.get();
    if (now - last < PROBE_INTERVAL_NANOS || !lastProbe.compareAndSet(last, now)) {
      return;
    }
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      RocksDB old = db;
      db = null;
      if (old != null) {
        old.close();
      }
      try {
        db = RocksDB.open(options, directory.toString());
      } catch (RocksDBException e) {
        LOG.debug("Persistence store {}: not open yet: {}", directory, e.getMessage());
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int failedWrites() {
    return writers.get().failures;
  }

  @Override
  public boolean writable() {
    if (!failing.get()) {
      return true;
    }
    probe();
    lock.readLock().lock();
    try {
      RocksDB d = db;
      if (d == null || closed) {
        return false;
      }
      // A write that costs nothing to keep: it tells whether the store takes writes again.
      d.put(writes, FORMAT_KEY, new byte[] {(byte) CURRENT});
    } catch (RocksDBException e) {
      return false;
    } finally {
      lock.readLock().unlock();
    }
    resumed();
    return true;
  }

  @Override
  public void whenDurable(Executor loop, Durable ack) {
    if (groupCommit == null) {
      ack.done(true);
      return;
    }
    groupCommit.whenDurable(loop, ack);
  }

  /** One fsync of the log, from the group-commit thread; false when it failed. */
  private boolean syncLog() {
    lock.readLock().lock();
    try {
      RocksDB d = db;
      if (d == null || closed) {
        return false;
      }
      d.flushWal(true);
      return true;
    } catch (RocksDBException e) {
      failed(e.getMessage() == null ? e.toString() : e.getMessage());
      return false;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Closes the database; every write it took is in its log already. */
  @Override
  public void close() {
    if (groupCommit != null) {
      groupCommit.close();
    }
    // Writers hold the read lock: a write racing shutdown never touches a freed native handle.
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (removals != writes) {
        removals.close();
      }
      writes.close();
      if (db != null) {
        db.close();
      }
      options.close();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private RocksDB db() {
    RocksDB d = db;
    if (d == null) {
      throw new IllegalStateException("store not open");
    }
    return d;
  }
}
