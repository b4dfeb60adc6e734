package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MqttBytes;
import dev.mqttls.testing.RawPacket;
import dev.mqttls.testing.ScriptedClient;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A stream of bad connections leaves our broker's heap where it was: nothing per connection
 * (sessions, buffers, channel state) outlives the connection. A behaviour check with a generous
 * margin, not a measurement: the broker runs in this JVM, so the test compares used heap after full
 * collections before and after 2,000 bad connections.
 */
class BadInputHeapTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int CONNECTIONS = 2_000;

  /** 2,000 leaked connections of even 8 KiB each would exceed this. */
  private static final long MARGIN_BYTES = 12L * 1024 * 1024;

  /** Inputs that the broker rejects at once (no keep-alive wait), cycled through. */
  private static final List<BadInput> FAST =
      List.of(
          BadInput.REMAINING_LENGTH_5_BYTES,
          BadInput.OVER_MAXIMUM_PACKET_SIZE,
          BadInput.PUBLISH_TO_WILDCARD,
          BadInput.TOPIC_INVALID_UTF8,
          BadInput.SECOND_CONNECT,
          BadInput.SUBSCRIBE_QOS_3,
          BadInput.FIRST_PACKET_NOT_CONNECT,
          BadInput.UNKNOWN_PROTOCOL_NAME,
          BadInput.RANDOM_64K);

  @Test
  void heapDoesNotGrowWithAStreamOfBadConnections() throws InterruptedException {
    try (EmbeddedBroker broker = EmbeddedBroker.start("max_packet_size 4096")) {
      // Warm up class loading, pools and JIT so they do not count as growth.
      badConnections(broker, 300);
      long before = usedHeapAfterGc(broker);
      badConnections(broker, CONNECTIONS);
      long after = usedHeapAfterGc(broker);
      LoggerFactory.getLogger(BadInputHeapTest.class)
          .warn(
              "used heap after GC: {} KiB before, {} KiB after {} bad connections",
              before / 1024,
              after / 1024,
              CONNECTIONS);
      assertThat(broker.broker().connectionCount()).as("connections left open").isZero();
      assertThat(after - before)
          .as(
              "heap growth after %d bad connections (before %d, after %d)",
              CONNECTIONS, before, after)
          .isLessThan(MARGIN_BYTES);
    }
  }

  private static void badConnections(EmbeddedBroker broker, int count) {
    for (int i = 0; i < count; i++) {
      BadInput input = FAST.get(i % FAST.size());
      try (ScriptedClient client = ScriptedClient.connect(broker.port())) {
        if (input.afterConnect) {
          client.send(MqttBytes.connectV5("heap-" + (i % 50), 30, true));
          RawPacket connack = client.awaitPacket(WAIT);
          assertThat(connack.type()).isEqualTo(RawPacket.CONNACK);
        }
        client.trySend(input.bytes);
        assertThat(client.awaitClose(WAIT)).as("%s #%d closed", input, i).isTrue();
      }
    }
  }

  private static long usedHeapAfterGc(EmbeddedBroker broker) throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    // The broker closes channels asynchronously: wait (bounded) until it has let go of them all.
    for (int i = 0; i < 100 && broker.broker().connectionCount() > 0; i++) {
      Thread.sleep(50);
    }
    broker.log().clear();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
