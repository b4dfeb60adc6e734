package dev.mqttls.cluster.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.cluster.internal.ClusterIds;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The session state a node mirrors into the session cache reads back as the session it was: a local
 * (one-process) Infinispan cache with the same grouping stands in for the distributed one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicatedJournalTest {
  private DefaultCacheManager caches;
  private ReplicatedJournal journal;
  private Cache<String, String> owners;

  @BeforeAll
  void startCaches() {
    caches = new DefaultCacheManager();
    ConfigurationBuilder grouped = new ConfigurationBuilder();
    grouped.clustering().hash().groups().enabled().addGrouper(new SessionKeys.ByClient());
    caches.defineConfiguration("sessions", grouped.build());
    caches.defineConfiguration("owners", new ConfigurationBuilder().build());
    owners = caches.getCache("owners");
  }

  @AfterAll
  void stopCaches() {
    caches.stop();
  }

  @BeforeEach
  void start() {
    caches.getCache("sessions").clear();
    owners.clear();
    journal = journalOf("node-1");
  }

  /** The journal of {@code node}, over the one session cache. */
  private ReplicatedJournal journalOf(String node) {
    return new ReplicatedJournal(
        Journal.NONE,
        caches.getCache("sessions"),
        new PersistentNodes(owners, node),
        Ticker.system(),
        new ClusterIds(Ticker.system(), node),
        2);
  }

  @AfterEach
  void stop() {
    journal.close();
  }

  private static Message message(String payload, Qos qos) {
    Publish p =
        new Publish(
            false,
            qos,
            false,
            "a/b",
            1,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
    return new Message(p, Long.MAX_VALUE, "publisher", null);
  }

  private static String payload(Journal.StoredMessage m) {
    return m.message().publish().payload().toString(StandardCharsets.UTF_8);
  }

  private Journal.StoredSession read(String clientId) throws Exception {
    return journal.read(clientId).get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyKindOfSessionState_readsBackAsItWasWritten() throws Exception {
    ClientSubscription sub = new ClientSubscription("dev-1", "a/#", null, 2, false, true, 0, 4);
    journal.putSession(new Journal.SessionRecord("dev-1", 3600, 0, "alice", List.of(sub)));
    assertThat(owners.containsKey("\0persistent\0node-1")).as("this node marked").isTrue();
    Message m1 = message("first", Qos.AT_LEAST_ONCE);
    Message m2 = message("second", Qos.EXACTLY_ONCE);
    Message m3 = message("third", Qos.AT_LEAST_ONCE);
    long s1 = journal.putMessage("dev-1", m1, 1, false, List.of(4));
    long s2 = journal.putMessage("dev-1", m2, 2, true, List.of());
    long s3 = journal.putMessage("dev-1", m3, 1, false, List.of());
    m1.release();
    m2.release();
    m3.release();
    assertThat(s1).isPositive().isLessThan(s2);
    assertThat(s2).isLessThan(s3);
    CompletableFuture<Boolean> acked = ReplicatedJournal.takePending();
    assertThat(acked).as("the acknowledgement waits for these writes").isNotNull();
    assertThat(acked.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ReplicatedJournal.takePending()).as("taken once").isNull();

    journal.markInFlight("dev-1", s1, 17);
    journal.messageReceived("dev-1", s2, 18);
    journal.putIncomingQos2("dev-1", 33);
    journal.putIncomingQos2("dev-1", 34);
    journal.removeIncomingQos2("dev-1", 34);
    ReplicatedJournal.takePending();

    Journal.StoredSession s = read("dev-1");
    try {
      assertThat(s.record().subscriptions()).containsExactly(sub);
      assertThat(s.record().expiryInterval()).isEqualTo(3600);
      assertThat(s.record().username()).isEqualTo("alice");
      assertThat(s.messages())
          .extracting(ReplicatedJournalTest::payload)
          .containsExactly("first", "third");
      assertThat(s.messages()).extracting(Journal.StoredMessage::packetId).containsExactly(17, 0);
      assertThat(s.messages().get(0).ids()).containsExactly(4);
      assertThat(s.messages()).extracting(Journal.StoredMessage::seq).containsExactly(s1, s3);
      assertThat(s.pubrels()).containsExactly(18);
      assertThat(s.incomingQos2()).containsExactly(33);
    } finally {
      s.messages().forEach(m -> m.message().release());
    }

    journal.removeMessage("dev-1", s1);
    Journal.StoredSession after = read("dev-1");
    assertThat(after.messages())
        .extracting(ReplicatedJournalTest::payload)
        .containsExactly("third");
    after.messages().forEach(m -> m.message().release());
  }

  @Test
  void handedOverSession_isLeftAsItWas_andRemovedSessionReadsAsNone() throws Exception {
    journal.putSession(new Journal.SessionRecord("dev-2", 60, 0, null, List.of()));
    Message m = message("kept", Qos.AT_LEAST_ONCE);
    journal.putMessage("dev-2", m, 1, false, List.of());
    ReplicatedJournal.takePending();

    // Another node continues the session: ending the copy here leaves the cached one alone.
    journal.handOver("dev-2");
    journal.putMessage("dev-2", m, 1, false, List.of());
    journal.removeSession("dev-2");
    m.release();
    Journal.StoredSession s = read("dev-2");
    assertThat(s).isNotNull();
    assertThat(s.messages()).extracting(ReplicatedJournalTest::payload).containsExactly("kept");
    s.messages().forEach(x -> x.message().release());

    journal.resume("dev-2");
    journal.removeSession("dev-2");
    assertThat(read("dev-2")).isNull();
    assertThat(read("never-seen")).isNull();
  }

  @Test
  void oneMessageQueuedByTwoNodes_whileTheSessionMoved_readsBackOnce_keepingTheOneInFlight()
      throws Exception {
    ReplicatedJournal other = journalOf("node-2");
    try {
      journal.putSession(new Journal.SessionRecord("dev-3", 60, 0, null, List.of()));
      Message twice = message("twice", Qos.EXACTLY_ONCE);
      twice.clusterId(4242L << 10);
      Message alone = message("alone", Qos.AT_LEAST_ONCE);
      alone.clusterId(4243L << 10);
      journal.putMessage("dev-3", twice, 2, false, List.of());
      long inFlight = other.putMessage("dev-3", twice, 2, false, List.of());
      other.markInFlight("dev-3", inFlight, 9);
      // The same node may hold one message twice (an ordinary and a shared subscription): kept.
      journal.putMessage("dev-3", alone, 1, false, List.of());
      journal.putMessage("dev-3", alone, 1, false, List.of());
      twice.release();
      alone.release();
      ReplicatedJournal.takePending().get(10, TimeUnit.SECONDS);
      other.flushed("dev-3").get(10, TimeUnit.SECONDS);

      Journal.StoredSession s = read("dev-3");
      try {
        // Entries two nodes numbered in the same millisecond are ordered by node tag: any order.
        assertThat(s.messages())
            .extracting(ReplicatedJournalTest::payload)
            .containsExactlyInAnyOrder("twice", "alone", "alone");
        Journal.StoredMessage kept =
            s.messages().stream().filter(m -> payload(m).equals("twice")).findFirst().orElseThrow();
        assertThat(kept.packetId()).as("the copy already sent").isEqualTo(9);
        assertThat(kept.message().clusterId()).isEqualTo(4242L << 10);
      } finally {
        s.messages().forEach(m -> m.message().release());
      }
      journal.flushed("dev-3").get(10, TimeUnit.SECONDS);
      Cache<String, byte[]> cache = caches.getCache("sessions");
      assertThat(
              cache.getAdvancedCache().getGroup("dev-3").keySet().stream()
                  .filter(k -> SessionKeys.kind(k) == SessionKeys.MESSAGE))
          .as("the other copy left the cache")
          .hasSize(3);
    } finally {
      other.close();
    }
  }
}
