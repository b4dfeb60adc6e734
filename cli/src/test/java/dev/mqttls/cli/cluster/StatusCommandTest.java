package dev.mqttls.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.cli.client.CliRun;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.cluster.ClusterConfig;
import dev.mqttls.cluster.ClusterNode;
import dev.mqttls.codec.Qos;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.testing.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mqttls cluster status -c CONF} against a running node (a one-node cluster in this JVM),
 * read from its {@code $SYS/broker/cluster/} topics; and the answer for a file that configures no
 * cluster.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusCommandTest {
  @TempDir Path dir;

  @Test
  void runningNode_reportsMembersPartitionBacklogAndItsFilters() throws Exception {
    int mqtt = Ports.freePort();
    int bind = Ports.freePort();
    Path conf = dir.resolve("node.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "listener " + mqtt + " 127.0.0.1",
            "allow_anonymous true",
            "cluster_name status-test",
            "cluster_node_name solo",
            "cluster_bind 127.0.0.1:" + bind,
            "cluster_peers 127.0.0.1:" + bind,
            ""),
        StandardCharsets.US_ASCII);
    ClusterConfig cluster = ClusterConfig.parse(ConfReader.read(conf), mqtt).orElseThrow();
    try (ClusterNode node = ClusterNode.start(BrokerConfig.parse(conf), cluster);
        MqttClient sub =
            MqttClient.create(
                MqttClientConfig.builder("127.0.0.1")
                    .port(mqtt)
                    .clientId("status-sub")
                    .cleanStart(false)
                    .sessionExpirySeconds(600)
                    .build())) {
      sub.blocking().connect();
      sub.blocking().subscribe("status/#", Qos.AT_LEAST_ONCE, m -> {});
      // $SYS/broker/cluster/ is published at start and every 10 s: the filter shows in the next.
      CliRun.Result r = CliRun.run("cluster", "status", "-c", conf.toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
      while (!r.out().contains("solo=1") && System.nanoTime() < deadline) {
        Thread.sleep(1000);
        r = CliRun.run("cluster", "status", "-c", conf.toString());
      }
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("cluster status-test, node solo")
          .contains("members: 1 of 1 configured (majority 1): solo")
          .contains("partition: majority")
          .contains("(replication backlog): 0")
          .contains("distinct filters per node: solo=1");
      assertThat(r.out()).containsPattern("sessions on this node: [1-9]");
    }
  }

  @Test
  void fileWithoutCluster_isRefusedWithTheCause() throws Exception {
    Path conf = dir.resolve("single.conf");
    Files.writeString(
        conf, "listener " + Ports.freePort() + " 127.0.0.1\n", StandardCharsets.US_ASCII);
    CliRun.Result r = CliRun.run("cluster", "status", "-c", conf.toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("has no cluster_name: that broker is not a cluster node");
    assertThat(r.out()).isEmpty();
  }
}
