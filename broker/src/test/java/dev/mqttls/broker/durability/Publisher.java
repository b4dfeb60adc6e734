package dev.mqttls.broker.durability;

import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Publishes numbered QoS 1/2 messages with a window of unacknowledged ones, until done or the
 * connection ends; records what the broker acknowledged (PUBACK or PUBREC with a success code).
 */
final class Publisher implements Runnable {
  private static final int WINDOW = 16;

  private final int port;
  private final MqttVersion version;
  private final String clientId;
  private final String topic;
  private final String prefix;
  private final int qos;
  private final int count;
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<Integer, String> inFlight = new ConcurrentHashMap<>();
  private final Semaphore window = new Semaphore(WINDOW);
  private volatile boolean closed;

  Publisher(
      int port,
      MqttVersion version,
      String clientId,
      String topic,
      String prefix,
      int qos,
      int count) {
    this.port = port;
    this.version = version;
    this.clientId = clientId;
    this.topic = topic;
    this.prefix = prefix;
    this.qos = qos;
    this.count = count;
  }

  @Override
  public void run() {
    try (WireClient c = WireClient.connect(port, version, clientId, false)) {
      Thread acks = new Thread(() -> readAcks(c), clientId + "-acks");
      acks.setDaemon(true);
      acks.start();
      for (int i = 0; i < count && !closed; i++) {
        if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
          break;
        }
        int id = i % 65535 + 1;
        String payload = prefix + i;
        inFlight.put(id, payload);
        try {
          c.publish(topic, payload, qos, id);
        } catch (IOException e) {
          break;
        }
      }
      // let the last acknowledgements arrive (or the kill end the connection)
      window.tryAcquire(WINDOW, 5, TimeUnit.SECONDS);
    } catch (IOException e) {
      // the broker died under us: what was acknowledged is recorded
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readAcks(WireClient c) {
    while (true) {
      MqttPacket p = c.poll(Duration.ofSeconds(30));
      if (p == null || p == WireClient.CLOSED) {
        closed = true;
        window.release(WINDOW);
        return;
      }
      int id;
      boolean ok;
      if (p instanceof Puback a) {
        id = a.packetId();
        ok = !a.reasonCode().isError();
      } else if (p instanceof Pubrec r) {
        id = r.packetId();
        ok = !r.reasonCode().isError();
        if (ok) {
          try {
            c.send(new Pubrel(id));
          } catch (IOException e) {
            // the broker died: PUBREC came, the message is acknowledged
          }
        }
      } else {
        continue;
      }
      String payload = inFlight.remove(id);
      if (payload != null) {
        (ok ? acknowledged : refused).add(payload);
        window.release();
      }
    }
  }
}
