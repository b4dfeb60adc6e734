package dev.mqttls.interop.cluster;

import dev.mqttls.admin.AdminConfig;
import dev.mqttls.admin.AdminServer;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.cluster.ClusterConfig;
import dev.mqttls.cluster.ClusterNode;
import dev.mqttls.conf.ConfReader;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** A child JVM's entry point: one cluster node from a configuration file, until killed. */
public final class ClusterNodeMain {
  static final String READY = "CLUSTER NODE READY";

  private ClusterNodeMain() {}

  public static void main(String[] args) throws Exception {
    Path conf = Path.of(args[0]);
    BrokerConfig broker = BrokerConfig.parse(conf);
    ClusterConfig cluster =
        ClusterConfig.parse(ConfReader.read(conf), broker.listeners().get(0).port()).orElseThrow();
    ClusterNode node = ClusterNode.start(broker, cluster);
    // With http_listener in the file: /metrics as `mqttls broker` serves it.
    AdminServer admin =
        AdminConfig.read(conf).map(a -> AdminServer.start(a, node.broker())).orElse(null);
    AtomicBoolean closed = new AtomicBoolean();
    Object closing = new Object();
    // SIGTERM both runs the hook and ends our standard input (the parent closes it): whichever
    // comes second waits for the first to finish, or the JVM would end in the middle of it.
    Runnable close =
        () -> {
          synchronized (closing) {
            if (closed.compareAndSet(false, true)) {
              if (admin != null) {
                admin.close();
              }
              node.close();
            }
          }
        };
    // SIGTERM (a stop by PID, as in a rolling restart) leaves the cluster the way `mqttls broker`
    // does; kill -9 leaves no time for it.
    Runtime.getRuntime().addShutdownHook(new Thread(close, "node-stop"));
    System.out.println(READY);
    System.out.flush();
    // Ends with the test JVM even if that one is killed: its end closes our standard input.
    InputStream in = System.in;
    while (in.read() >= 0) {
      // keep reading until end of stream
    }
    close.run();
    System.exit(0);
  }
}
