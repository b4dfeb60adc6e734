package dev.mqttls.client;

import java.util.Objects;

/**
 * How many publishes the client keeps while it is disconnected and waiting to reconnect, and what
 * it does when that many are waiting. Buffered messages are sent, in order, once the client is
 * connected again.
 *
 * @param capacity the most messages kept; 0 turns buffering off (publishing while disconnected
 *     fails at once)
 * @param overflow what happens to a publish when {@code capacity} messages are already waiting
 */
public record OfflineBuffer(int capacity, Overflow overflow) {
  /** No buffering: a publish while disconnected fails with {@link FailureKind#CONNECTION_LOST}. */
  public static final OfflineBuffer NONE = new OfflineBuffer(0, Overflow.FAIL);

  /** Checks the capacity is not negative. */
  public OfflineBuffer {
    if (capacity < 0) {
      throw new IllegalArgumentException(
          "offline buffer capacity must be 0 or more, was " + capacity);
    }
    Objects.requireNonNull(overflow, "overflow");
  }

  /** What the buffer does with a publish when it is full. */
  public enum Overflow {
    /**
     * Drop the oldest waiting message (its future fails with {@link FailureKind#BUFFER_FULL}) and
     * keep the new one.
     */
    DROP_OLDEST,
    /** Drop the new message: its future completes with {@link PublishResult#dropped()} true. */
    DROP_NEWEST,
    /** Refuse the new message: its future fails with {@link FailureKind#BUFFER_FULL}. */
    FAIL
  }
}
