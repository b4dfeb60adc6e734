package dev.mqttls.interop.cluster;

import dev.mqttls.testing.Ports;
import dev.mqttls.testing.certs.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Configuration files and certificates of an n-node cluster on 127.0.0.1, not started. */
final class ClusterFixture {
  private ClusterFixture() {}

  /** With a new CA. */
  static List<NodeProcess> nodes(Path dir, int count) throws IOException {
    return nodes(dir, count, TestCerts.rootCa("cluster CA"));
  }

  /** Nodes whose certificates {@code ca} issues, in {@code dir}. */
  static List<NodeProcess> nodes(Path dir, int count, TestCerts.Held ca) throws IOException {
    Files.writeString(dir.resolve("ca.crt"), ca.certPem(), StandardCharsets.US_ASCII);
    int[] mqtt = new int[count];
    int[] cluster = new int[count];
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < count; i++) {
      mqtt[i] = Ports.freePort();
      cluster[i] = Ports.freePort();
      peers.append(" 127.0.0.1:").append(cluster[i]);
    }
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "node-" + (i + 1);
      // Both ends of a node connection present this one certificate: no EKU, so it serves as
      // client and server alike.
      TestCerts.Held cert =
          TestCerts.leaf(ca, name, List.of(), List.of("127.0.0.1"), null, TestCerts.valid());
      Files.writeString(dir.resolve(name + ".crt"), cert.certPem(), StandardCharsets.US_ASCII);
      Files.writeString(dir.resolve(name + ".key"), cert.keyPem(), StandardCharsets.US_ASCII);
      Path conf = dir.resolve(name + ".conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "listener " + mqtt[i] + " 127.0.0.1",
              "allow_anonymous true",
              "cluster_name test-fleet",
              "cluster_node_name " + name,
              "cluster_bind 127.0.0.1:" + cluster[i],
              "cluster_peers" + peers,
              "cluster_cafile ca.crt",
              "cluster_certfile " + name + ".crt",
              "cluster_keyfile " + name + ".key",
              ""),
          StandardCharsets.US_ASCII);
      nodes.add(new NodeProcess(name, mqtt[i], cluster[i], conf, dir.resolve(name + ".log")));
    }
    return nodes;
  }
}
