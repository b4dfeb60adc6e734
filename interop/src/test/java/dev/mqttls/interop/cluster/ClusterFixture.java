package dev.mqttls.interop.cluster;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.ServerOptions;
import dev.mqttls.testing.Ports;
import dev.mqttls.testing.certs.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Configuration files and certificates of an n-node cluster on 127.0.0.1, not started. */
final class ClusterFixture {
  private ClusterFixture() {}

  /** Where node {@code i}'s certificate and key are, and the CA file they chain to. */
  private interface NodeCerts {
    /** Writes (or finds) the certificate and key of {@code name}: [certfile, keyfile]. */
    Path[] of(String name) throws IOException;
  }

  /**
   * Starts every node, then waits (bounded) until each is ready and sees all of them: each node's
   * log says "N of N node(s) up".
   */
  static void startAll(List<NodeProcess> nodes, Duration ready, Duration joined)
      throws IOException, InterruptedException {
    for (NodeProcess n : nodes) {
      n.start();
    }
    for (NodeProcess n : nodes) {
      n.awaitReady(ready);
    }
    String all = nodes.size() + " of " + nodes.size() + " node(s) up";
    for (NodeProcess n : nodes) {
      n.awaitLog(all, joined);
    }
  }

  /** With a new CA. */
  static List<NodeProcess> nodes(Path dir, int count) throws IOException {
    return nodes(dir, count, TestCerts.rootCa("cluster CA"));
  }

  /** Nodes whose certificates {@code ca} issues, in {@code dir}. */
  static List<NodeProcess> nodes(Path dir, int count, TestCerts.Held ca) throws IOException {
    Files.writeString(dir.resolve("ca.crt"), ca.certPem(), StandardCharsets.US_ASCII);
    return write(
        dir,
        count,
        dir.resolve("ca.crt"),
        name -> {
          // Both ends of a node connection present this one certificate: no EKU, so it serves as
          // client and server alike.
          TestCerts.Held cert =
              TestCerts.leaf(ca, name, List.of(), List.of("127.0.0.1"), null, TestCerts.valid());
          Path crt = dir.resolve(name + ".crt");
          Path key = dir.resolve(name + ".key");
          Files.writeString(crt, cert.certPem(), StandardCharsets.US_ASCII);
          Files.writeString(key, cert.keyPem(), StandardCharsets.US_ASCII);
          return new Path[] {crt, key};
        },
        i -> List.of());
  }

  /**
   * Nodes whose certificates {@code mqttls pki node NAME} makes (the pki library's {@link
   * CertificateAuthority#issueNode}, default SANs), from a new CA in {@code dir/pki} whose {@code
   * ca.crt} is every node's {@code cluster_cafile}; node {@code i} (from 0) gets {@code extra(i)}
   * as further configuration lines.
   */
  static List<NodeProcess> nodesFromPki(Path dir, int count, IntFunction<List<String>> extra)
      throws IOException {
    CertificateAuthority ca = CertificateAuthority.init(dir.resolve("pki"), CaOptions.defaults());
    return write(
        dir,
        count,
        ca.certificateFile(),
        name -> {
          IssuedCertificate c = ca.issueNode(name, ServerOptions.defaults());
          return new Path[] {c.certificateFile(), c.keyFile().orElseThrow()};
        },
        extra);
  }

  private static List<NodeProcess> write(
      Path dir, int count, Path caFile, NodeCerts certs, IntFunction<List<String>> extra)
      throws IOException {
    int[] mqtt = new int[count];
    int[] cluster = new int[count];
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < count; i++) {
      // Nodes are stopped and started again on these ports.
      mqtt[i] = Ports.freeStablePort();
      cluster[i] = Ports.freeStablePort();
      peers.append(" 127.0.0.1:").append(cluster[i]);
    }
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "node-" + (i + 1);
      Path[] files = certs.of(name);
      Path conf = dir.resolve(name + ".conf");
      List<String> lines =
          new ArrayList<>(
              List.of(
                  "listener " + mqtt[i] + " 127.0.0.1",
                  "allow_anonymous true",
                  "cluster_name test-fleet",
                  "cluster_node_name " + name,
                  "cluster_bind 127.0.0.1:" + cluster[i],
                  "cluster_peers" + peers,
                  "cluster_cafile " + caFile,
                  "cluster_certfile " + files[0],
                  "cluster_keyfile " + files[1]));
      lines.addAll(extra.apply(i));
      lines.add("");
      Files.writeString(conf, String.join("\n", lines), StandardCharsets.US_ASCII);
      nodes.add(new NodeProcess(name, mqtt[i], cluster[i], conf, dir.resolve(name + ".log")));
    }
    return nodes;
  }
}
