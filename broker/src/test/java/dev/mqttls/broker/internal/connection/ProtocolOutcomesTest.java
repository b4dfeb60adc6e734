package dev.mqttls.broker.internal.connection;

import static dev.mqttls.broker.internal.connection.Harness.bytes;
import static dev.mqttls.broker.internal.connection.Harness.received;
import static dev.mqttls.broker.internal.connection.Harness.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the {@link Disconnector} and the inbound flows make of a client's packets, at the handler
 * level, packets spelled out byte by byte.
 */
class ProtocolOutcomesTest {
  private final Harness h = new Harness();

  /** CONNECT, MQTT 5, clean start, keep-alive 0, no properties, client id "sub". */
  private static final int[] CONNECT_SUB =
      bytes(0x10, 16, 0, 4, "MQTT", 5, 0x02, 0, 0, 0, 0, 3, "sub");

  @AfterEach
  void close() {
    h.close();
  }

  private EmbeddedChannel connected(int[] connect) {
    EmbeddedChannel ch = h.connect();
    send(ch, connect);
    int[] connack = received(ch);
    assertThat(connack[0]).as("CONNACK").isEqualTo(0x20);
    assertThat(connack[3]).as("CONNACK reason").isZero();
    return ch;
  }

  @Test
  void secondConnect_mqtt5_disconnectedWithProtocolError() {
    EmbeddedChannel ch = connected(CONNECT_SUB);
    send(ch, CONNECT_SUB);
    int[] disconnect = received(ch);
    assertThat(disconnect[0]).isEqualTo(0xE0);
    assertThat(disconnect[2]).as("Protocol Error").isEqualTo(0x82);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void unknownProtocolLevel_refusedWithTheCodeEveryClientReads() {
    EmbeddedChannel ch = h.connect();
    // CONNECT "MQTT" level 6, clean session, keep-alive 60, client id "x"
    send(ch, bytes(0x10, 13, 0, 4, "MQTT", 6, 0x02, 0, 60, 0, 1, "x"));
    // CONNACK as 3.1.1 writes it: return code 1, unacceptable protocol version
    assertThat(received(ch)).containsExactly(0x20, 2, 0, 1);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void publishBeforeConnect_closedWithoutAnswer() {
    EmbeddedChannel ch = h.connect();
    send(ch, 0x30, 5, 0, 1, 'a', 'h', 'i'); // PUBLISH QoS 0 "a" payload "hi"
    assertThat(received(ch)).isNull();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void unknownInboundTopicAlias_disconnectedWithProtocolError() {
    EmbeddedChannel ch = connected(CONNECT_SUB);
    // PUBLISH QoS 0, empty topic, properties: Topic Alias 5 (never set), payload "x"
    send(ch, 0x30, 7, 0, 0, 3, 0x23, 0, 5, 'x');
    int[] disconnect = received(ch);
    assertThat(disconnect[0]).isEqualTo(0xE0);
    assertThat(disconnect[2]).as("Protocol Error").isEqualTo(0x82);
  }

  @Test
  void qos2Resend_isAcknowledgedAgain_butRoutedOnce() {
    EmbeddedChannel sub = connected(CONNECT_SUB);
    // SUBSCRIBE, packet id 1, "d/t" at QoS 0
    send(sub, 0x82, 9, 0, 1, 0, 0, 3, 'd', '/', 't', 0x00);
    assertThat(received(sub)).containsExactly(0x90, 4, 0, 1, 0, 0x00);
    EmbeddedChannel pub = connected(bytes(0x10, 14, 0, 4, "MQTT", 5, 0x02, 0, 0, 0, 0, 1, "p"));

    // PUBLISH QoS 2, "d/t", packet id 7, no properties, payload "x"
    send(pub, 0x34, 9, 0, 3, 'd', '/', 't', 0, 7, 0, 'x');
    assertThat(received(pub)[0]).as("PUBREC").isEqualTo(0x50);
    // the same again with DUP set, as a client does after a reconnect
    send(pub, 0x3C, 9, 0, 3, 'd', '/', 't', 0, 7, 0, 'x');
    assertThat(received(pub)[0]).as("PUBREC").isEqualTo(0x50);
    // PUBREL, packet id 7
    send(pub, 0x62, 2, 0, 7);
    assertThat(received(pub)[0]).as("PUBCOMP").isEqualTo(0x70);

    // routed once: PUBLISH QoS 0, "d/t", no properties, payload "x"
    assertThat(received(sub)).containsExactly(0x30, 7, 0, 3, 'd', '/', 't', 0, 'x');
    assertThat(received(sub)).isNull();
  }

  @Test
  void refusedTlsHandshake_closesWithoutAnErrorLine_aBugKeepsItsStackTrace() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.mqttls.broker");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    try {
      // what SslHandler raises when the handshake is refused (the TLS layer logged its cause)
      EmbeddedChannel refused = h.connect();
      refused
          .pipeline()
          .fireExceptionCaught(
              new DecoderException(new SSLHandshakeException("General OpenSslEngine problem")));
      assertThat(refused.isOpen()).isFalse();
      assertThat(log.list)
          .noneSatisfy(e -> assertThat(e.getLevel().toString()).isIn("ERROR", "WARN"))
          .noneSatisfy(e -> assertThat(e.getThrowableProxy()).isNotNull());

      EmbeddedChannel bug = h.connect();
      bug.pipeline().fireExceptionCaught(new IllegalStateException("a bug of ours"));
      assertThat(bug.isOpen()).isFalse();
      assertThat(log.list)
          .anySatisfy(
              e -> {
                assertThat(e.getFormattedMessage()).startsWith("Internal error on connection");
                assertThat(e.getThrowableProxy()).isNotNull();
              });
    } finally {
      logger.detachAppender(log);
    }
  }
}
