package dev.mqttls.client.internal.publish.outgoing;

import dev.mqttls.client.Message;
import dev.mqttls.client.PublishResult;
import java.util.concurrent.CompletableFuture;

/**
 * A publish on its way: waiting for a window slot or the connection, or in flight. Loop-confined.
 */
public final class OutgoingPublish {
  final Message message;
  final CompletableFuture<PublishResult> future;
  int packetId;
  boolean pubrecReceived;

  /** A publish of {@code message} that completes {@code future} when it is done. */
  public OutgoingPublish(Message message, CompletableFuture<PublishResult> future) {
    this.message = message;
    this.future = future;
  }

  /** The future the application waits on. */
  public CompletableFuture<PublishResult> future() {
    return future;
  }
}
