package dev.mqttls.cluster;

import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfFile;
import dev.mqttls.conf.Directive;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a node joins its cluster: the {@code cluster_*} directives of its configuration file.
 *
 * @param name {@code cluster_name}: nodes with the same name form one cluster
 * @param nodeName {@code cluster_node_name}: unique in the cluster
 * @param bind {@code cluster_bind}: where this node listens for node-to-node traffic
 * @param peers {@code cluster_peers}: every node's {@code cluster_bind} (static discovery)
 * @param caFile {@code cluster_cafile}: the CA every node's certificate chains to
 * @param certFile {@code cluster_certfile}: this node's certificate (chain)
 * @param keyFile {@code cluster_keyfile}: its private key
 * @param backups {@code cluster_backups}: copies of session state besides the owner's
 */
public record ClusterConfig(
    String name,
    String nodeName,
    InetSocketAddress bind,
    List<InetSocketAddress> peers,
    Optional<Path> caFile,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    int backups) {

  /** The default node-to-node port. */
  public static final int DEFAULT_PORT = 7800;

  public ClusterConfig {
    peers = List.copyOf(peers);
  }

  /** Whether node-to-node traffic is mutual TLS. */
  public boolean tls() {
    return certFile.isPresent();
  }

  /** How many nodes make a majority of {@link #peers()} (this node counted in when missing). */
  public int majority() {
    int n = peers.contains(bind) ? peers.size() : peers.size() + 1;
    return n / 2 + 1;
  }

  /**
   * The cluster part of {@code file}; empty when it has no {@code cluster_name} (a single broker,
   * which loads no cluster code).
   *
   * @param mqttPort the first listener's port, for the default node name
   * @throws ConfException naming the file, line and directive of what is wrong, or the file alone
   *     for a combination that is
   */
  public static Optional<ClusterConfig> parse(ConfFile file, int mqttPort) throws ConfException {
    Directive nameLine = null;
    String nodeName = null;
    InetSocketAddress bind = null;
    Directive bindLine = null;
    List<InetSocketAddress> peers = new ArrayList<>();
    Path ca = null;
    Path cert = null;
    Path key = null;
    int backups = 1;
    Path base = Directive.directoryOf(file.file());
    for (Directive d : file.directives()) {
      switch (d.name()) {
        case "cluster_name" -> nameLine = d;
        case "cluster_node_name" -> nodeName = d.word();
        case "cluster_bind" -> {
          bind = hostPort(d, d.word());
          bindLine = d;
        }
        case "cluster_peers" -> {
          for (String w : d.words(1, 256)) {
            peers.add(hostPort(d, w));
          }
        }
        case "cluster_cafile" -> ca = d.path(base);
        case "cluster_certfile" -> cert = d.path(base);
        case "cluster_keyfile" -> key = d.path(base);
        case "cluster_backups" -> backups = (int) d.integer(0, 8);
        default -> {}
      }
    }
    if (nameLine == null) {
      return Optional.empty();
    }
    String name = nameLine.word();
    if (bind == null) {
      bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT);
    }
    if (nodeName == null) {
      nodeName = hostName() + "-" + mqttPort;
    }
    if (cert == null && !bind.getAddress().isLoopbackAddress()) {
      throw bindLine.error(
          "node-to-node traffic on a non-loopback address needs mutual TLS: set cluster_certfile,"
              + " cluster_keyfile and cluster_cafile");
    }
    if ((cert == null) != (key == null) || (cert != null && ca == null)) {
      throw ConfException.inFile(
          file.file(),
          "cluster_certfile, cluster_keyfile and cluster_cafile go together: set all three",
          null);
    }
    if (peers.isEmpty()) {
      peers.add(bind);
    }
    return Optional.of(
        new ClusterConfig(
            name,
            nodeName,
            bind,
            peers,
            Optional.ofNullable(ca),
            Optional.ofNullable(cert),
            Optional.ofNullable(key),
            backups));
  }

  private static InetSocketAddress hostPort(Directive d, String word) throws ConfException {
    int colon = word.lastIndexOf(':');
    if (colon <= 0 || colon == word.length() - 1) {
      throw d.error("'" + word + "' is not ADDRESS:PORT");
    }
    String host = word.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = (int) d.integer(word.substring(colon + 1), 1, 65535);
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw d.error("cannot resolve '" + host + "'");
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "node";
    }
  }
}
