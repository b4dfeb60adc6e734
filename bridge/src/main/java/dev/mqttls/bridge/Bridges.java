package dev.mqttls.bridge;

import dev.mqttls.bridge.internal.BridgeLink;
import dev.mqttls.broker.Broker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The running bridges of one broker. {@link #start} connects each bridge's local side at once and
 * its remote side in the background (a remote broker that is down is retried by {@code
 * restart_timeout}); {@link #close} stops them all.
 */
public final class Bridges implements AutoCloseable {
  private final List<BridgeLink> links;
  private final ScheduledExecutorService scheduler;

  private Bridges(List<BridgeLink> links, ScheduledExecutorService scheduler) {
    this.links = links;
    this.scheduler = scheduler;
  }

  /**
   * Starts {@code bridges} on {@code broker} (through its in-process endpoint).
   *
   * @throws dev.mqttls.client.MqttClientException if a bridge cannot connect to the local broker
   *     (for example a {@code local_clientid} that another client holds)
   */
  public static Bridges start(Broker broker, List<BridgeConfig> bridges) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mqttls-bridges");
              t.setDaemon(true);
              return t;
            });
    List<BridgeLink> links = new ArrayList<>();
    Bridges running = new Bridges(links, scheduler);
    try {
      for (BridgeConfig c : bridges) {
        BridgeLink link = new BridgeLink(c, broker.inProcessAddress(), scheduler);
        links.add(link);
        link.start();
      }
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
    return running;
  }

  /** The names of the running bridges. */
  public List<String> names() {
    return links.stream().map(BridgeLink::name).toList();
  }

  /** Stops every bridge: both sides disconnect; nothing unacknowledged is dropped by a broker. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    for (BridgeLink l : links) {
      l.close();
    }
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
