package dev.mqttls.interop.cluster;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.cluster.ClusterConfig;
import dev.mqttls.cluster.ClusterNode;
import dev.mqttls.conf.ConfReader;
import java.io.InputStream;
import java.nio.file.Path;

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
    System.out.println(READY);
    System.out.flush();
    // Ends with the test JVM even if that one is killed: its end closes our standard input.
    InputStream in = System.in;
    while (in.read() >= 0) {
      // keep reading until end of stream
    }
    node.close();
    System.exit(0);
  }
}
