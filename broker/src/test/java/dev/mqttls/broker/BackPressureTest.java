package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A publisher that sends faster than its subscriber reads is stopped (the broker stops reading it)
 * instead of the broker buffering without bound; when the subscriber reads again, both resume.
 */
class BackPressureTest {
  static final int PAYLOAD = 16000; // remaining length fits two bytes

  @Test
  void slowSubscriber_stopsThePublisher_memoryStaysBounded_thenResumes() throws Exception {
    try (Broker broker = Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").build());
        TestClient sub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "slow")) {
      sub.subscribe(1, "flood", 0);
      AtomicLong written = new AtomicLong();
      try (Socket pub = new Socket()) {
        pub.connect(broker.address(0));
        OutputStream out = pub.getOutputStream();
        out.write(new byte[] {0x10, 0x0d, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 1, 'p'});
        byte[] packet = new byte[3 + 2 + 5 + PAYLOAD];
        int rl = 2 + 5 + PAYLOAD;
        packet[0] = 0x30;
        packet[1] = (byte) (0x80 | (rl & 0x7f));
        packet[2] = (byte) (rl >> 7);
        packet[3] = 0;
        packet[4] = 5;
        System.arraycopy("flood".getBytes(), 0, packet, 5, 5);
        Thread writer =
            new Thread(
                () -> {
                  try {
                    // bounded: 1 GiB would be far beyond any buffer if the broker kept reading
                    for (int i = 0; i < 65536; i++) {
                      out.write(packet);
                      written.addAndGet(packet.length);
                    }
                  } catch (Exception e) {
                    // closed at the end of the test
                  }
                },
                "flood-writer");
        writer.setDaemon(true);
        writer.start();

        // The subscriber reads nothing. Wait (bounded) until the publisher is stuck.
        long last = -1;
        for (int i = 0; i < 100; i++) {
          Thread.sleep(200);
          long now = written.get();
          if (now == last) {
            break;
          }
          last = now;
        }
        long stalledAt = written.get();
        Thread.sleep(500);
        assertThat(written.get()).as("publisher stopped by the broker").isEqualTo(stalledAt);
        assertThat(stalledAt).isLessThan(256L * 1024 * 1024);
        assertThat(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory())
            .isLessThan(128L * 1024 * 1024);

        // The subscriber reads again: messages flow and the publisher moves on.
        int received = 0;
        for (int i = 0; i < 2000 && written.get() < stalledAt + 8L * 1024 * 1024; i++) {
          MqttPacket p = sub.receive();
          assertThat(p).isInstanceOf(Publish.class);
          received++;
        }
        assertThat(received).isPositive();
        assertThat(written.get()).isGreaterThan(stalledAt);
        pub.close();
        writer.join(5000);
      }
    }
  }

  /**
   * A QoS 1 publisher flooding a subscriber that is slow but acknowledges: the broker holds the
   * publisher back for as long as the subscriber makes progress, so every message it acknowledged
   * arrives. (Before, the hold lapsed every 50 ms and let in a whole socket buffer at once, beyond
   * the queue limit: those messages were dropped although the publisher had its PUBACKs.)
   */
  @Test
  void slowButAcknowledgingSubscriber_losesNoQos1Message_ofAFloodingPublisher() throws Exception {
    int n = 20_000;
    BrokerConfig config =
        BrokerConfig.builder().listener(0, "127.0.0.1").maxQueuedMessages(100).build();
    try (Broker broker = Broker.start(config);
        TestClient sub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "slow-acker")) {
      sub.subscribe(1, "flood1", 1);
      try (Socket pub = new Socket()) {
        pub.connect(broker.address(0));
        OutputStream out = pub.getOutputStream();
        out.write(new byte[] {0x10, 0x0d, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 1, 'q'});
        // n QoS 1 PUBLISHes to "flood1", payload = 4-byte sequence number, in one write: the
        // broker finds them all in the publisher's socket buffer at once.
        java.nio.ByteBuffer all = java.nio.ByteBuffer.allocate(n * 16);
        for (int i = 0; i < n; i++) {
          all.put((byte) 0x32).put((byte) 14).putShort((short) 6).put("flood1".getBytes());
          all.putShort((short) (i % 65535 + 1)).putInt(i);
        }
        // The publisher reads its PUBACKs (a publisher that does not is held back for that).
        java.io.InputStream acks = pub.getInputStream();
        Thread drain =
            new Thread(
                () -> {
                  byte[] b = new byte[8192];
                  try {
                    while (acks.read(b) >= 0) {
                      // PUBACKs: counted by nobody, read so that the broker can write more
                    }
                  } catch (java.io.IOException e) {
                    // closed at the end of the test
                  }
                },
                "puback-drain");
        drain.setDaemon(true);
        drain.start();
        out.write(all.array(), 0, all.position());
        out.flush();
        java.util.BitSet seen = new java.util.BitSet(n);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (seen.cardinality() < n && System.nanoTime() < deadline) {
          MqttPacket p;
          try {
            p = sub.receive(java.time.Duration.ofSeconds(10));
          } catch (java.io.IOException e) {
            throw new AssertionError("stuck after " + seen.cardinality() + " of " + n, e);
          }
          assertThat(p).isInstanceOf(Publish.class);
          Publish pub1 = (Publish) p;
          seen.set(pub1.payload().getInt(0));
          // slow: a pause every few messages, then the acknowledgement
          if (pub1.packetId() % 8 == 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
          }
          sub.send(new dev.mqttls.codec.Puback(pub1.packetId()));
        }
        assertThat(seen.cardinality()).as("distinct messages delivered of %d", n).isEqualTo(n);
      }
    }
  }
}
