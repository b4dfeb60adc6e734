package dev.mqttls.cluster.internal.transport;

import dev.mqttls.cluster.ClusterConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FORK;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.DefaultSocketFactory;

/**
 * The JGroups stack of a node, built in code (no XML to ship or get wrong): TCP (over mutual TLS
 * when the node has a certificate) with static discovery of {@code cluster_peers}, failure
 * detection by heartbeats, reliable ordered unicast and multicast, group membership, merging after
 * a partition heals, flow control, fragmentation, and FORK so that the forwarding of PUBLISHes
 * shares the connections Infinispan uses.
 *
 * <p>No failure detection by a separate socket (FD_SOCK2): it would be a second, plain port.
 */
public final class NodeStack {
  /** How long a silent node stays a member: heartbeats every second, suspected after this. */
  static final long SUSPECT_AFTER_MS = 3_000;

  private NodeStack() {}

  /**
   * Server sockets that demand the other node's certificate, however JGroups creates them (its own
   * configurator hook is not called on every path).
   */
  private static final class MutualServerSockets extends ServerSocketFactory {
    private final ServerSocketFactory inner;

    MutualServerSockets(ServerSocketFactory inner) {
      this.inner = inner;
    }

    private static ServerSocket mutual(ServerSocket s) {
      ((SSLServerSocket) s).setNeedClientAuth(true);
      return s;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return mutual(inner.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return mutual(inner.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return mutual(inner.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bind)
        throws IOException {
      return mutual(inner.createServerSocket(port, backlog, bind));
    }
  }

  /** A channel for {@code c}, not yet connected; {@code tls} null for loopback without TLS. */
  public static JChannel channel(ClusterConfig c, SSLContext tls) throws Exception {
    TCP tcp = new TCP();
    tcp.setBindAddress(c.bind().getAddress());
    tcp.setBindPort(c.bind().getPort());
    tcp.setPortRange(0);
    // JGroups leaves Nagle on: a forwarded PUBLISH or its confirmation then waits for the peer's
    // delayed ACK, 40 ms at p99 across nodes (measured), for a publisher's PUBACK too.
    tcp.tcpNodelay(true);
    if (tls != null) {
      tcp.setSocketFactory(
          new DefaultSocketFactory(
              tls.getSocketFactory(), new MutualServerSockets(tls.getServerSocketFactory())));
    }
    TCPPING ping = new TCPPING();
    ping.setInitialHosts(c.peers());
    ping.setPortRange(0);
    MERGE3 merge = new MERGE3().setMinInterval(1_000).setMaxInterval(3_000);
    FD_ALL3 fd = new FD_ALL3().setTimeout(SUSPECT_AFTER_MS).setInterval(1_000);
    VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2().setTimeout(1_000);
    GMS gms = new GMS().setJoinTimeout(2_000).setLeaveTimeout(1_000);
    List<Protocol> stack =
        List.of(
            tcp,
            ping,
            merge,
            fd,
            verify,
            new NAKACK2(),
            new UNICAST3(),
            new STABLE(),
            gms,
            new UFC(),
            new MFC(),
            new FRAG4(),
            new FORK());
    JChannel ch = new JChannel(stack);
    ch.setName(c.nodeName());
    return ch;
  }
}
