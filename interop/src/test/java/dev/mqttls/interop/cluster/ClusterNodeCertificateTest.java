package dev.mqttls.interop.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.cluster.ClusterConfig;
import dev.mqttls.cluster.ClusterNode;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.ServerOptions;
import dev.mqttls.testing.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose certificate serves one TLS role only (from {@code mqttls pki server}) stops at
 * start-up with a named cause and the fix, instead of being refused by every other node later.
 */
class ClusterNodeCertificateTest {
  @TempDir Path dir;

  @Test
  void serverOnlyCertificate_stopsStartUp_namingPkiNode() throws Exception {
    CertificateAuthority ca = CertificateAuthority.init(dir.resolve("pki"), CaOptions.defaults());
    IssuedCertificate server = ca.issueServer("node-1", ServerOptions.defaults());
    int mqtt = Ports.freePort();
    int cluster = Ports.freePort();
    Path conf = dir.resolve("node-1.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "listener " + mqtt + " 127.0.0.1",
            "allow_anonymous true",
            "cluster_name cert-check",
            "cluster_node_name node-1",
            "cluster_bind 127.0.0.1:" + cluster,
            "cluster_peers 127.0.0.1:" + cluster,
            "cluster_cafile " + ca.certificateFile(),
            "cluster_certfile " + server.certificateFile(),
            "cluster_keyfile " + server.keyFile().orElseThrow(),
            ""),
        StandardCharsets.US_ASCII);
    BrokerConfig broker = BrokerConfig.parse(conf);
    ClusterConfig config = ClusterConfig.parse(ConfReader.read(conf), mqtt).orElseThrow();
    assertThatThrownBy(() -> ClusterNode.start(broker, config).close())
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining("cluster_certfile " + server.certificateFile())
        .hasMessageContaining("serverAuth only")
        .hasMessageContaining("mqttls pki node NAME");
  }
}
