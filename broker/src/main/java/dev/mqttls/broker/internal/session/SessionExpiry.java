package dev.mqttls.broker.internal.session;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.internal.time.Ticker;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * When an offline session ends: its Session Expiry Interval (MQTT 5 section 3.1.2.11.2; for 3.1.1,
 * clean session 0 means never), capped by {@code persistent_client_expiration}, counted on the
 * broker's {@link Ticker} from the moment the connection went away. Confined to the session's
 * executor.
 */
final class SessionExpiry {
  /** Session Expiry Interval meaning "never". */
  static final long NEVER = 0xFFFF_FFFFL;

  private final Ticker ticker;
  private final BrokerConfig config;
  private Ticker.Timeout timer;

  SessionExpiry(Ticker ticker, BrokerConfig config) {
    this.ticker = ticker;
    this.config = config;
  }

  /** The interval in force for {@code requested} seconds: {@code persistent_client_expiration}. */
  long effective(long requested) {
    long s = requested;
    var cap = config.persistentClientExpiration();
    if (s != 0 && cap.isPresent()) {
      long capSeconds = cap.get().toSeconds();
      if (s == NEVER || s > capSeconds) {
        s = capSeconds;
      }
    }
    return s;
  }

  /**
   * Arms the timer: {@code due} runs on {@code executor} after {@code seconds} (never for {@link
   * #NEVER}); it must check that the session is still offline and unclaimed.
   */
  void start(EventExecutor executor, long seconds, Runnable due) {
    if (seconds != NEVER) {
      timer = ticker.schedule(executor, due, seconds, TimeUnit.SECONDS);
    }
  }

  /** The session was taken up again. */
  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
