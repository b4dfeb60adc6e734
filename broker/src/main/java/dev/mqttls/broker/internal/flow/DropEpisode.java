package dev.mqttls.broker.internal.flow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages dropped for one client that does not keep up, logged once per episode: one line when the
 * first message is dropped (naming the client and the limit reached), one when it catches up (with
 * the count), instead of a line per message or per interval. Confined to one thread (the client's
 * event loop or its session's executor).
 */
public final class DropEpisode {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private final String clientId;
  private final String what;
  private long inEpisode;
  private long total;

  /**
   * @param what what is dropped, for the log line ("QoS 0 messages", "QoS 1/2 messages")
   */
  public DropEpisode(String clientId, String what) {
    this.clientId = clientId;
    this.what = what;
  }

  /** One message dropped because {@code limit} (e.g. "1000 messages, max_queued_messages"). */
  public void dropped(String limit) {
    if (inEpisode == 0) {
      LOG.warn(
          "Client {} is not keeping up: its outgoing queue is full ({}); dropping {} for it until"
              + " it catches up",
          clientId,
          limit,
          what);
    }
    inEpisode++;
    total++;
  }

  /** The client caught up (its queue drained, or its socket takes data again). */
  public void ended() {
    if (inEpisode != 0) {
      LOG.warn(
          "Client {} caught up: {} {} were dropped for it ({} since it connected or its session"
              + " began)",
          clientId,
          inEpisode,
          what,
          total);
      inEpisode = 0;
    }
  }

  /** Whether messages are being dropped now. */
  public boolean active() {
    return inEpisode != 0;
  }

  /** Messages dropped in all episodes. */
  public long total() {
    return total;
  }
}
