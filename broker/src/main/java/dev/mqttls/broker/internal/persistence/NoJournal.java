package dev.mqttls.broker.internal.persistence;

import dev.mqttls.broker.internal.routing.Message;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/** {@link Journal#NONE}: {@code persistence false}. */
final class NoJournal implements Journal {
  @Override
  public boolean keepsSessions() {
    return false;
  }

  @Override
  public void putSession(SessionRecord r) {}

  @Override
  public void removeSession(String clientId) {}

  @Override
  public long putMessage(String clientId, Message m, int qos, boolean retain, List<Integer> ids) {
    return 0;
  }

  @Override
  public void markInFlight(String clientId, long seq, int packetId) {}

  @Override
  public void removeMessage(String clientId, long seq) {}

  @Override
  public void messageReceived(String clientId, long seq, int packetId) {}

  @Override
  public void removePubrel(String clientId, int packetId) {}

  @Override
  public void putIncomingQos2(String clientId, int packetId) {}

  @Override
  public void removeIncomingQos2(String clientId, int packetId) {}

  @Override
  public void putRetained(String topic, Message m) {}

  @Override
  public List<StoredSession> load(BiConsumer<String, Message> retained) {
    return List.of();
  }

  @Override
  public int failedWrites() {
    return 0;
  }

  @Override
  public boolean writable() {
    return true;
  }

  @Override
  public void whenDurable(Executor loop, Durable ack) {
    ack.done(true);
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void close() {}
}
