package dev.mqttls.broker.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;

/**
 * The store format: a store written before the version byte (format 0, the fixture in {@code
 * src/test/resources/journal-v0}, written by RocksJournal at commit 4375bb9 with one session
 * "dev-1" subscribed to a/+ and $share/g/b/#, three QoS 1 messages m0..m2 (m0 in flight as packet
 * id 11), one QoS 2 message with subscription id 7, a PUBREL for packet id 12, an incoming QoS 2 id
 * 21 and a retained "kept" on r/1) opens and reads back whole; new writes go in format 1 beside it.
 */
class JournalFormatCompatibilityTest {
  private static final List<String> FIXTURE =
      List.of("000004.log", "CURRENT", "IDENTITY", "MANIFEST-000005", "OPTIONS-000007");

  @TempDir Path dir;

  private Path copyFixture() throws IOException {
    Path store = dir.resolve("v0");
    Files.createDirectories(store);
    for (String f : FIXTURE) {
      try (InputStream in = getClass().getResourceAsStream("/journal-v0/" + f)) {
        assertThat(in).as(f).isNotNull();
        Files.copy(in, store.resolve(f));
      }
    }
    return store;
  }

  private static String text(Message m) {
    return m.publish().payload().toString(StandardCharsets.UTF_8);
  }

  @Test
  void formatZeroStore_opensAndReadsBackEverything_thenTakesFormatOneWrites() throws Exception {
    Path store = copyFixture();
    Map<String, String> retained = new HashMap<>();
    try (RocksJournal j = RocksJournal.open(store, Ticker.system())) {
      List<Journal.StoredSession> sessions =
          j.load(
              (t, m) -> {
                retained.put(t, text(m));
                m.release();
              });
      assertThat(retained).containsExactly(Map.entry("r/1", "kept"));
      assertThat(sessions).hasSize(1);
      Journal.StoredSession s = sessions.get(0);
      assertThat(s.record().clientId()).isEqualTo("dev-1");
      assertThat(s.record().username()).isEqualTo("alice");
      assertThat(s.record().expiryInterval()).isEqualTo(3_000_000_000L);
      assertThat(s.record().subscriptions())
          .containsExactly(
              new ClientSubscription("dev-1", "a/+", null, 1, false, false, 0, 0),
              new ClientSubscription("dev-1", "b/#", "g", 2, true, true, 1, 7));
      assertThat(s.messages())
          .extracting(m -> text(m.message()))
          .containsExactly("m0", "m1", "m2", "q2");
      assertThat(s.messages())
          .extracting(Journal.StoredMessage::packetId)
          .containsExactly(11, 0, 0, 0);
      assertThat(s.messages().get(3).qos()).isEqualTo(2);
      assertThat(s.messages().get(3).ids()).containsExactly(7);
      assertThat(s.pubrels()).containsExactly(12);
      assertThat(s.incomingQos2()).containsExactly(21);
      long lastSeq = s.messages().get(3).seq();
      s.messages().forEach(m -> m.message().release());

      // New writes beside the old ones: a message, in flight as 0x8181 (its first byte is the
      // format marker's value, which only the length tells apart).
      Message m = message("a/y", "new");
      long seq = j.putMessage("dev-1", m, 1, false, List.of());
      m.release();
      assertThat(seq).isGreaterThan(lastSeq);
      j.markInFlight("dev-1", seq, 0x8181);
    }
    try (RocksDB raw = RocksDB.openReadOnly(store.toString())) {
      assertThat(raw.get(JournalFormat.FORMAT_KEY)).containsExactly(JournalFormat.CURRENT);
    }
    try (RocksJournal j = RocksJournal.open(store, Ticker.system())) {
      List<Journal.StoredSession> sessions = j.load((t, m) -> m.release());
      Journal.StoredSession s = sessions.get(0);
      assertThat(s.messages())
          .extracting(x -> text(x.message()))
          .containsExactly("m0", "m1", "m2", "q2", "new");
      assertThat(s.messages())
          .extracting(Journal.StoredMessage::packetId)
          .containsExactly(11, 0, 0, 0, 0x8181);
      s.messages().forEach(x -> x.message().release());
    }
  }

  @Test
  void storeOfALaterFormat_isNotOpened_namingBothFormats() throws Exception {
    Path store = dir.resolve("later");
    RocksDB.loadLibrary();
    try (RocksDB raw =
        RocksDB.open(new org.rocksdb.Options().setCreateIfMissing(true), store.toString())) {
      raw.put(JournalFormat.FORMAT_KEY, new byte[] {9});
    }
    assertThatThrownBy(() -> RocksJournal.open(store, Ticker.system()))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining(store.toString())
        .hasMessageContaining("format 9")
        .hasMessageContaining("up to " + JournalFormat.CURRENT);
  }

  private static Message message(String topic, String payload) {
    Publish p =
        new Publish(
            false,
            Qos.AT_LEAST_ONCE,
            false,
            topic,
            1,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
    return Message.of(p, "pub", null, Ticker.system().nanoTime());
  }
}
