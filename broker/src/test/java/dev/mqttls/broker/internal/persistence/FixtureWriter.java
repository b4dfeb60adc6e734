package dev.mqttls.broker.internal.persistence;

import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Writes the fixture store read by {@link JournalFormatCompatibilityTest}. */
final class FixtureWriter {
  private FixtureWriter() {}

  public static void main(String[] args) {
    Ticker t = Ticker.system();
    try (RocksJournal j = RocksJournal.open(Path.of(args[0]), t)) {
      j.putSession(
          new Journal.SessionRecord(
              "dev-1",
              3_000_000_000L,
              0,
              "alice",
              List.of(
                  new ClientSubscription("dev-1", "a/+", null, 1, false, false, 0, 0),
                  new ClientSubscription("dev-1", "b/#", "g", 2, true, true, 1, 7))));
      for (int i = 0; i < 3; i++) {
        Message m = msg("a/x", "m" + i, Qos.AT_LEAST_ONCE, false, t);
        long seq = j.putMessage("dev-1", m, 1, false, List.of());
        if (i == 0) {
          j.markInFlight("dev-1", seq, 11);
        }
        m.release();
      }
      Message q2 = msg("b/y", "q2", Qos.EXACTLY_ONCE, false, t);
      j.putMessage("dev-1", q2, 2, false, List.of(7));
      q2.release();
      j.messageReceived("dev-1", 999, 12);
      j.putIncomingQos2("dev-1", 21);
      Message r = msg("r/1", "kept", Qos.AT_MOST_ONCE, true, t);
      j.putRetained("r/1", r);
      r.release();
    }
  }

  private static Message msg(String topic, String payload, Qos qos, boolean retain, Ticker t) {
    Publish p =
        new Publish(
            false,
            qos,
            retain,
            topic,
            qos == Qos.AT_MOST_ONCE ? 0 : 1,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
    return Message.of(p, "pub", null, t.nanoTime());
  }
}
