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
}
