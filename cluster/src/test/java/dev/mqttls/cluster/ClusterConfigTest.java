package dev.mqttls.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {
  private static final Path FILE = Path.of("/etc/mqttls/node.conf");

  private static Optional<ClusterConfig> parse(String text) throws ConfException {
    return ClusterConfig.parse(ConfReader.parse(text, FILE), 1883);
  }

  @Test
  void noClusterName_isNoCluster() throws Exception {
    assertThat(parse("listener 1883\ncluster_bind 127.0.0.1:7800\n")).isEmpty();
  }

  @Test
  void allDirectives_areRead_andPathsResolveAgainstTheFile() throws Exception {
    ClusterConfig c =
        parse(
                """
                cluster_name fleet-a
                cluster_node_name node-1
                cluster_bind 127.0.0.1:7800
                cluster_peers 127.0.0.1:7800 127.0.0.1:7801 127.0.0.1:7802
                cluster_cafile ca.crt
                cluster_certfile node-1.crt
                cluster_keyfile node-1.key
                cluster_backups 2
                """)
            .orElseThrow();
    assertThat(c.name()).isEqualTo("fleet-a");
    assertThat(c.nodeName()).isEqualTo("node-1");
    assertThat(c.bind()).isEqualTo(new InetSocketAddress("127.0.0.1", 7800));
    assertThat(c.peers()).hasSize(3);
    assertThat(c.majority()).isEqualTo(2);
    assertThat(c.tls()).isTrue();
    assertThat(c.caFile()).contains(Path.of("/etc/mqttls/ca.crt"));
    assertThat(c.backups()).isEqualTo(2);
  }

  @Test
  void nonLoopbackBind_withoutCertfile_isRefusedNamingTheLine() {
    assertThatThrownBy(() -> parse("cluster_name f\ncluster_bind 192.0.2.10:7800\n"))
        .isInstanceOf(ConfException.class)
        .hasMessageContaining("node.conf:2")
        .hasMessageContaining("cluster_bind")
        .hasMessageContaining("needs mutual TLS");
  }

  @Test
  void certfileWithoutCafile_isRefused() {
    assertThatThrownBy(
            () -> parse("cluster_name f\ncluster_certfile n.crt\ncluster_keyfile n.key\n"))
        .isInstanceOf(ConfException.class)
        .hasMessageContaining("go together");
  }

  @Test
  void peerWithoutPort_isRefusedNamingIt() {
    assertThatThrownBy(() -> parse("cluster_name f\ncluster_peers 127.0.0.1\n"))
        .isInstanceOf(ConfException.class)
        .hasMessageContaining("'127.0.0.1' is not ADDRESS:PORT");
  }
}
