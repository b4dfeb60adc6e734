package dev.mqttls.broker.internal.connection;

import static dev.mqttls.broker.internal.connection.Harness.bytes;
import static dev.mqttls.broker.internal.connection.Harness.received;
import static dev.mqttls.broker.internal.connection.Harness.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive, will delay, message expiry, session expiry, CONNECT timeout and takeover, at the
 * handler level: packets spelled out byte by byte into an {@link EmbeddedChannel}, time moved by a
 * manual ticker. Nothing sleeps.
 */
class ConnectionTimersTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  /** CONNECT, MQTT 5, clean start, keep-alive 0, client id "sub". */
  private static final int[] CONNECT_SUB =
      bytes(0x10, 16, 0, 4, "MQTT", 5, 0x02, 0, 0, /* props */ 0, 0, 3, "sub");

  /** CONNECT, MQTT 5, client "w", Session Expiry 10 s, a will to "will/t" delayed 5 s. */
  private static final int[] CONNECT_WITH_DELAYED_WILL =
      bytes(
          0x10, 39, 0, 4, "MQTT", 5, 0x06, // flags: will, clean start
          0, 0, // keep-alive 0
          5, 0x11, 0, 0, 0, 10, // properties: Session Expiry Interval 10 s
          0, 1, "w", // client id
          5, 0x18, 0, 0, 0, 5, // will properties: Will Delay Interval 5 s
          0, 6, "will/t", // will topic
          0, 4, "gone"); // will payload

  private static void assertConnack(int[] p, int sessionPresent) {
    assertThat(p).as("CONNACK").isNotNull();
    assertThat(p[0]).isEqualTo(0x20);
    assertThat(p[2]).as("session present").isEqualTo(sessionPresent);
    assertThat(p[3]).as("reason code").isEqualTo(0x00);
  }

  /** A connected MQTT 5 subscriber "sub" to {@code will/t}, QoS 0. */
  private EmbeddedChannel subscriberToWillTopic() {
    EmbeddedChannel sub = h.connect();
    send(sub, CONNECT_SUB);
    assertConnack(received(sub), 0);
    // SUBSCRIBE, packet id 1, no properties, "will/t" with options 0 (QoS 0)
    send(sub, 0x82, 12, 0, 1, 0, 0, 6, 'w', 'i', 'l', 'l', '/', 't', 0x00);
    // SUBACK, packet id 1, no properties, granted QoS 0
    assertThat(received(sub)).containsExactly(0x90, 4, 0, 1, 0, 0x00);
    return sub;
  }

  @Test
  void keepAlive_silentForOneAndAHalfTimesIt_disconnectedWithKeepAliveTimeout() {
    EmbeddedChannel ch = h.connect();
    // CONNECT, MQTT 5, clean start, keep-alive 10 s, no properties, client id "ka"
    send(ch, bytes(0x10, 15, 0, 4, "MQTT", 5, 0x02, 0, 10, 0, 0, 2, "ka"));
    assertConnack(received(ch), 0);

    h.advance(14_900, TimeUnit.MILLISECONDS);
    assertThat(received(ch)).isNull();
    assertThat(ch.isOpen()).isTrue();

    h.advance(200, TimeUnit.MILLISECONDS);
    int[] disconnect = received(ch);
    assertThat(disconnect[0]).as("DISCONNECT").isEqualTo(0xE0);
    assertThat(disconnect[2]).as("Keep Alive timeout").isEqualTo(0x8D);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void keepAlive_aPingRestartsTheClock() {
    EmbeddedChannel ch = h.connect();
    send(ch, bytes(0x10, 15, 0, 4, "MQTT", 5, 0x02, 0, 10, 0, 0, 2, "ka"));
    assertConnack(received(ch), 0);

    h.advance(10, TimeUnit.SECONDS);
    send(ch, 0xC0, 0x00); // PINGREQ
    assertThat(received(ch)).containsExactly(0xD0, 0x00); // PINGRESP
    h.advance(14, TimeUnit.SECONDS);
    assertThat(ch.isOpen()).as("14 s after the ping").isTrue();
    h.advance(1_100, TimeUnit.MILLISECONDS);
    assertThat(ch.isOpen()).as("15.1 s after the ping").isFalse();
  }

  @Test
  void keepAlive_mqtt311_closesWithoutAPacket() {
    EmbeddedChannel ch = h.connect();
    // CONNECT, MQTT 3.1.1, clean session, keep-alive 2 s, client id "k3"
    send(ch, bytes(0x10, 14, 0, 4, "MQTT", 4, 0x02, 0, 2, 0, 2, "k3"));
    assertThat(received(ch)).containsExactly(0x20, 2, 0, 0);
    h.advance(3_100, TimeUnit.MILLISECONDS);
    assertThat(received(ch)).isNull();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void noConnectWithinTenSeconds_connectionClosed() {
    EmbeddedChannel ch = h.connect();
    h.advance(9, TimeUnit.SECONDS);
    assertThat(ch.isOpen()).isTrue();
    h.advance(1_100, TimeUnit.MILLISECONDS);
    assertThat(ch.isOpen()).isFalse();
    assertThat(received(ch)).as("nothing is said before CONNECT").isNull();
  }

  @Test
  void will_isPublishedAfterItsDelay_notBefore() {
    EmbeddedChannel sub = subscriberToWillTopic();
    EmbeddedChannel w = h.connect();
    send(w, CONNECT_WITH_DELAYED_WILL);
    assertConnack(received(w), 0);

    w.close(); // the connection drops without DISCONNECT
    h.advance(4_900, TimeUnit.MILLISECONDS);
    assertThat(received(sub)).as("before the will delay").isNull();

    h.advance(200, TimeUnit.MILLISECONDS);
    // PUBLISH QoS 0, "will/t", no properties, payload "gone"
    assertThat(received(sub)).containsExactly(bytes(0x30, 13, 0, 6, "will/t", 0, "gone"));
  }

  @Test
  void will_isNotPublishedWhenTheClientComesBackWithinTheDelay() {
    EmbeddedChannel sub = subscriberToWillTopic();
    EmbeddedChannel w = h.connect();
    send(w, CONNECT_WITH_DELAYED_WILL);
    assertConnack(received(w), 0);
    w.close();
    h.advance(3, TimeUnit.SECONDS);

    EmbeddedChannel again = h.connect();
    // the same CONNECT without the clean start flag: the session continues
    int[] resume = CONNECT_WITH_DELAYED_WILL.clone();
    resume[9] = 0x04;
    send(again, resume);
    assertConnack(received(again), 1);
    h.advance(10, TimeUnit.SECONDS);
    assertThat(received(sub)).isNull();
  }

  @Test
  void expiredMessage_isDroppedFromAnOfflineQueue_theOtherOneArrivesWithWhatIsLeftOfItsExpiry() {
    int[] connectQ =
        bytes(
            0x10, 19, 0, 4, "MQTT", 5, 0x02, 0, 0, 5, 0x11, 0, 0, 0,
            60, // Session Expiry Interval 60 s
            0, 1, "q");
    EmbeddedChannel q = h.connect();
    send(q, connectQ);
    assertConnack(received(q), 0);
    // SUBSCRIBE, packet id 1, "q/t" at QoS 1
    send(q, 0x82, 9, 0, 1, 0, 0, 3, 'q', '/', 't', 0x01);
    assertThat(received(q)).containsExactly(0x90, 4, 0, 1, 0, 0x01);
    send(q, 0xE0, 0x00); // DISCONNECT, normal: the session stays, offline
    assertThat(q.isOpen()).isFalse();

    EmbeddedChannel p = h.connect();
    send(p, bytes(0x10, 14, 0, 4, "MQTT", 5, 0x02, 0, 0, 0, 0, 1, "p"));
    assertConnack(received(p), 0);
    // PUBLISH QoS 1, "q/t", packet id 1, Message Expiry Interval 5 s, payload "old"
    send(p, bytes(0x32, 16, 0, 3, "q/t", 0, 1, 5, 0x02, 0, 0, 0, 5, "old"));
    assertThat(received(p)[0]).as("PUBACK").isEqualTo(0x40);
    // PUBLISH QoS 1, "q/t", packet id 2, Message Expiry Interval 60 s, payload "new"
    send(p, bytes(0x32, 16, 0, 3, "q/t", 0, 2, 5, 0x02, 0, 0, 0, 60, "new"));
    assertThat(received(p)[0]).as("PUBACK").isEqualTo(0x40);

    h.advance(6, TimeUnit.SECONDS);
    EmbeddedChannel back = h.connect();
    int[] resume = connectQ.clone();
    resume[9] = 0x00; // no clean start
    send(back, resume);
    assertConnack(received(back), 1);
    // only "new", packet id 1, its expiry now 54 s
    assertThat(received(back))
        .containsExactly(bytes(0x32, 16, 0, 3, "q/t", 0, 1, 5, 0x02, 0, 0, 0, 54, "new"));
    assertThat(received(back)).isNull();
  }

  @Test
  void sessionExpiry_endsTheSessionAfterItsInterval_notBefore() {
    int[] connectS =
        bytes(
            0x10, 19, 0, 4, "MQTT", 5, 0x02, 0, 0, 5, 0x11, 0, 0, 0,
            30, // Session Expiry Interval 30 s
            0, 1, "s");
    EmbeddedChannel s = h.connect();
    send(s, connectS);
    assertConnack(received(s), 0);
    send(s, 0xE0, 0x00); // DISCONNECT
    h.advance(29, TimeUnit.SECONDS);
    assertThat(h.broker.sessions().get("s")).as("after 29 s").isNotNull();
    h.advance(2, TimeUnit.SECONDS);
    assertThat(h.broker.sessions().get("s")).as("after 31 s").isNull();

    EmbeddedChannel back = h.connect();
    int[] resume = connectS.clone();
    resume[9] = 0x00;
    send(back, resume);
    assertConnack(received(back), 0);
  }

  @Test
  void sessionExpiry_aClientBackInTimeFindsItsSession() {
    int[] connectS = bytes(0x10, 19, 0, 4, "MQTT", 5, 0x00, 0, 0, 5, 0x11, 0, 0, 0, 30, 0, 1, "s");
    EmbeddedChannel s = h.connect();
    send(s, connectS);
    assertConnack(received(s), 0);
    send(s, 0xE0, 0x00);
    h.advance(29, TimeUnit.SECONDS);
    EmbeddedChannel back = h.connect();
    send(back, connectS);
    assertConnack(received(back), 1);
    h.advance(60, TimeUnit.SECONDS);
    assertThat(h.broker.sessions().get("s")).as("connected sessions do not expire").isNotNull();
  }

  @Test
  void takeover_secondConnectWithTheSameClientId_firstGetsSessionTakenOver() {
    EmbeddedChannel first = h.connect();
    send(first, CONNECT_SUB);
    assertConnack(received(first), 0);

    EmbeddedChannel second = h.connect();
    send(second, CONNECT_SUB);
    first.runPendingTasks();
    int[] disconnect = received(first);
    assertThat(disconnect[0]).as("DISCONNECT").isEqualTo(0xE0);
    assertThat(disconnect[2]).as("Session taken over").isEqualTo(0x8E);
    assertThat(first.isOpen()).isFalse();
    assertConnack(received(second), 0);
    assertThat(second.isOpen()).isTrue();
  }
}
