package dev.mqttls.client.internal;

import dev.mqttls.client.Message;
import dev.mqttls.client.PublishResult;
import java.util.concurrent.CompletableFuture;

/**
 * A publish on its way: waiting for a window slot or the connection, or in flight. Loop-confined.
 */
final class OutgoingPublish {
  final Message message;
  final CompletableFuture<PublishResult> future;
  int packetId;
  boolean pubrecReceived;

  OutgoingPublish(Message message, CompletableFuture<PublishResult> future) {
    this.message = message;
    this.future = future;
  }
}
