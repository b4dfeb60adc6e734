package dev.mqttls.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The messages of one subscription as a {@link Flow.Publisher} with back-pressure: messages are
 * delivered only as the subscriber requests them; while more than the stream's buffer are waiting,
 * the client stops reading from the connection, so the broker (and in turn the publisher) is slowed
 * rather than memory filled. One {@link Flow.Subscriber} per stream; cancelling the subscription
 * unsubscribes from the broker.
 */
public interface MessageStream extends Flow.Publisher<Message> {
  /** Completes when the broker acknowledged the SUBSCRIBE. */
  CompletableFuture<SubscribeResult> subscribed();
}
