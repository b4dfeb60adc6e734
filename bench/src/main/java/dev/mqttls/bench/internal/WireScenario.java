package dev.mqttls.bench.internal;

import dev.mqttls.bench.BenchException;
import dev.mqttls.bench.BenchSettings;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes on the wire per message, counted below TLS (what the sockets carry; IP and TCP headers not
 * included), for {@code messages} messages flushed one by one (one TLS record each) and then in
 * batches of {@code batch} per flush. The plain-MQTT figure beside it is the encoded packet size,
 * which is exactly what a plain TCP connection carries per message.
 */
final class WireScenario {
  private final Connector connector;
  private final Progress progress;

  WireScenario(Connector connector, Progress progress) {
    this.connector = connector;
    this.progress = progress;
  }

  ScenarioOutput run(String runTag) throws InterruptedException {
    BenchSettings s = connector.settings();
    String topic = "mqttls-bench/" + runTag + "/wire";
    AtomicLong received = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    BenchConnection sub =
        Waits.all(
                List.of(
                    connector.connect(
                        connector.clientId("ws", 0),
                        0,
                        true,
                        Optional.empty(),
                        new BenchConnection.Listener() {
                          @Override
                          public void onPublish(BenchConnection c, Publish p) {
                            received.incrementAndGet();
                          }
                        })),
                Duration.ofSeconds(30),
                "connecting the subscriber")
            .get(0);
    BenchConnection pub = null;
    try {
      Waits.all(List.of(sub.subscribe(topic, s.qos())), Duration.ofSeconds(30), "subscribing");
      pub =
          Waits.all(
                  List.of(
                      connector.connect(
                          connector.clientId("wp", 0),
                          1,
                          true,
                          Optional.empty(),
                          new BenchConnection.Listener() {
                            @Override
                            public void onAcked(BenchConnection c, int packetId) {
                              acked.incrementAndGet();
                            }
                          })),
                  Duration.ofSeconds(30),
                  "connecting the publisher")
              .get(0);
      Publish sample = publish(s, topic, 1, Unpooled.wrappedBuffer(new byte[s.payloadSize()]));
      int mqttBytes = MqttEncoder.encodedSize(sample, s.version());
      Figures f = new Figures();
      f.put("tls", connector.target().tls().isPresent())
          .count("qos", s.qos().code())
          .count("payload_bytes", s.payloadSize())
          .count("messages", s.messages())
          .count("batch", s.batch())
          .count("plain_mqtt_bytes_per_msg", mqttBytes);
      measure("one_by_one", 1, pub, sub, received, acked, topic, mqttBytes, f);
      measure("batched", s.batch(), pub, sub, received, acked, topic, mqttBytes, f);
      return new ScenarioOutput(f.map(), List.of());
    } finally {
      sub.disconnect();
      if (pub != null) {
        pub.disconnect();
      }
    }
  }

  private void measure(
      String mode,
      int perFlush,
      BenchConnection pub,
      BenchConnection sub,
      AtomicLong received,
      AtomicLong acked,
      String topic,
      int mqttBytes,
      Figures f)
      throws InterruptedException {
    BenchSettings s = connector.settings();
    long r0 = received.get();
    long a0 = acked.get();
    long pubOut0 = pub.bytesWritten();
    long pubIn0 = pub.bytesRead();
    long subIn0 = sub.bytesRead();
    long subOut0 = sub.bytesWritten();
    int n = s.messages();
    CompletableFuture<Void> sent = new CompletableFuture<>();
    pub.channel()
        .eventLoop()
        .execute(
            () -> {
              for (int i = 0; i < n; i++) {
                ByteBuf payload = pub.channel().alloc().buffer(s.payloadSize());
                payload.writeZero(s.payloadSize());
                pub.channel().write(publish(s, topic, i % 65535 + 1, payload));
                if ((i + 1) % perFlush == 0) {
                  pub.channel().flush();
                }
              }
              pub.channel().flush();
              sent.complete(null);
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (received.get() - r0 < n || (s.qos() != Qos.AT_MOST_ONCE && acked.get() - a0 < n)) {
      if (System.nanoTime() > deadline) {
        throw new BenchException(
            "wire " + mode + ": " + (received.get() - r0) + " of " + n + " messages arrived");
      }
      Waits.pause(10);
    }
    // the subscriber's last acknowledgements and the publisher's last PUBREL/PUBCOMP
    Waits.pause(200);
    progress.update("wire " + mode + " done");
    double pubOut = (pub.bytesWritten() - pubOut0) / (double) n;
    double subIn = (sub.bytesRead() - subIn0) / (double) n;
    f.measured(mode + "_publisher_to_broker_bytes_per_msg", pubOut)
        .measured(mode + "_broker_to_subscriber_bytes_per_msg", subIn)
        .measured(
            mode + "_acks_to_publisher_bytes_per_msg", (pub.bytesRead() - pubIn0) / (double) n)
        .measured(
            mode + "_acks_from_subscriber_bytes_per_msg",
            (sub.bytesWritten() - subOut0) / (double) n)
        .measured(mode + "_overhead_vs_plain", pubOut / mqttBytes);
    f.put(mode + "_note", String.format(Locale.ROOT, "%d message(s) per flush", perFlush));
  }

  private static Publish publish(BenchSettings s, String topic, int id, ByteBuf payload) {
    return new Publish(
        false,
        s.qos(),
        false,
        topic,
        s.qos() == Qos.AT_MOST_ONCE ? 0 : id,
        MqttProperties.EMPTY,
        payload);
  }
}
