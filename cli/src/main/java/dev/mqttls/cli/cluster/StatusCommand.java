package dev.mqttls.cli.cluster;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.client.BlockingMqttClient;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.cluster.ClusterConfig;
import dev.mqttls.codec.Qos;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqttls cluster status -c CONF}: what the node of that configuration reports under {@code
 * $SYS/broker/cluster/} (retained, refreshed every 10 s and on every membership change), read over
 * its first plain listener.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Members, partition state, sessions, filters per node and replication backlog of the node"
            + " that CONF configures (read from its $SYS/broker/cluster/ topics).",
    footer = {"", "Exit codes: 0 done, 1 no cluster or node not reachable, 2 usage error."})
final class StatusCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config-file"},
      required = true,
      paramLabel = "CONF",
      description = "The node's configuration file.")
  Path conf;

  @Option(
      names = {"-u", "--username"},
      paramLabel = "USER",
      description = "User name, when the listener needs one.")
  String username;

  @Option(
      names = "--pw-env",
      paramLabel = "NAME",
      description = "Environment variable holding the password.")
  String passwordEnv;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    BrokerConfig broker;
    Optional<ClusterConfig> cluster;
    try {
      broker = BrokerConfig.parse(conf);
      int first = broker.listeners().isEmpty() ? 0 : broker.listeners().get(0).port();
      cluster = ClusterConfig.parse(ConfReader.read(conf), first);
    } catch (ConfigException | ConfException e) {
      err.println("Error: " + e.getMessage());
      return 1;
    }
    if (cluster.isEmpty()) {
      err.println("Error: " + conf + " has no cluster_name: that broker is not a cluster node");
      return 1;
    }
    Optional<ListenerConfig> plain =
        broker.listeners().stream().filter(l -> !l.isTls()).findFirst();
    if (plain.isEmpty()) {
      err.println(
          "Error: "
              + conf
              + " has no plain listener to read $SYS from; add one on 127.0.0.1 (listener PORT"
              + " 127.0.0.1)");
      return 1;
    }
    String host = plain.get().bindAddress().orElse("127.0.0.1");
    MqttClientConfig.Builder b =
        MqttClientConfig.builder(host)
            .port(plain.get().port())
            .clientId("mqttls-cluster-status-" + ProcessHandle.current().pid());
    if (username != null) {
      b.username(username);
    }
    if (passwordEnv != null && System.getenv(passwordEnv) != null) {
      b.password(System.getenv(passwordEnv).toCharArray());
    }
    Map<String, String> values = new ConcurrentHashMap<>();
    try (MqttClient client = MqttClient.create(b.build())) {
      BlockingMqttClient c = client.blocking();
      c.connect();
      c.subscribe(
          "$SYS/broker/cluster/#",
          Qos.AT_MOST_ONCE,
          m ->
              values.put(
                  m.topic().substring("$SYS/broker/cluster/".length()),
                  new String(m.payload(), StandardCharsets.UTF_8)));
      // Retained values arrive right after the SUBACK.
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (!values.containsKey("backlog") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      c.disconnect();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      err.println(
          "Error: cannot read the status of "
              + host
              + ":"
              + plain.get().port()
              + ": "
              + e.getMessage());
      return 1;
    }
    if (values.isEmpty()) {
      err.println(
          "Error: "
              + host
              + ":"
              + plain.get().port()
              + " publishes no $SYS/broker/cluster/ topics (not a cluster node, or $SYS not"
              + " readable by this user)");
      return 1;
    }
    ClusterConfig cc = cluster.get();
    out.println("cluster " + cc.name() + ", node " + values.getOrDefault("node", cc.nodeName()));
    out.println(
        "members: "
            + values.getOrDefault("size", "?")
            + " of "
            + cc.peers().size()
            + " configured (majority "
            + cc.majority()
            + "): "
            + values.getOrDefault("nodes", "?"));
    out.println("partition: " + values.getOrDefault("partition", "?"));
    out.println("sessions on this node: " + values.getOrDefault("sessions", "?"));
    out.println(
        "forwarded QoS 1/2 awaiting confirmation (replication backlog): "
            + values.getOrDefault("backlog", "?"));
    Map<String, String> filters = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith("filters/")) {
            filters.put(k.substring("filters/".length()), v);
          }
        });
    StringBuilder f = new StringBuilder("distinct filters per node:");
    filters.forEach((n, v) -> f.append(' ').append(n).append('=').append(v));
    out.println(f);
    return 0;
  }
}
