package dev.mqttls.client.internal.connect;

import dev.mqttls.client.ReconnectPolicy;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Schedules reconnect attempts with the policy's back-off. Loop-confined. */
final class Reconnector {
  private final ReconnectPolicy policy;
  private final EventLoop loop;
  private int attempt;
  private ScheduledFuture<?> task;

  Reconnector(ReconnectPolicy policy, EventLoop loop) {
    this.policy = policy;
    this.loop = loop;
  }

  boolean enabled() {
    return policy.enabled();
  }

  /** Runs {@code attemptNow} after the next back-off delay, which it returns. */
  Duration schedule(Runnable attemptNow) {
    Duration delay = policy.delay(attempt++, ThreadLocalRandom.current().nextDouble());
    task =
        loop.schedule(
            () -> {
              task = null;
              attemptNow.run();
            },
            delay.toMillis(),
            TimeUnit.MILLISECONDS);
    return delay;
  }

  /** A connection was accepted: the back-off starts again from its first delay next time. */
  void reset() {
    attempt = 0;
  }

  void cancel() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }
}
