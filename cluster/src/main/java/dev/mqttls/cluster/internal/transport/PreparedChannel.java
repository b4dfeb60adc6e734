package dev.mqttls.cluster.internal.transport;

import java.util.List;
import javax.sql.DataSource;
import org.infinispan.remoting.transport.jgroups.JGroupsChannelConfigurator;
import org.jgroups.JChannel;
import org.jgroups.conf.ProtocolConfiguration;
import org.jgroups.util.SocketFactory;

/**
 * Hands Infinispan the channel {@link NodeStack} built, in place of one from its XML stacks (whose
 * default is UDP multicast on every interface).
 */
public final class PreparedChannel implements JGroupsChannelConfigurator {
  private final JChannel channel;

  public PreparedChannel(JChannel channel) {
    this.channel = channel;
  }

  @Override
  public String getName() {
    return "mqttls";
  }

  @Override
  public JChannel createChannel(String name) {
    return channel;
  }

  @Override
  public void setSocketFactory(SocketFactory socketFactory) {
    // The stack has its own (TLS) socket factory.
  }

  @Override
  public void setDataSource(DataSource dataSource) {
    // No JDBC discovery.
  }

  @Override
  public String getProtocolStackString() {
    return channel.getProtocolStack().printProtocolSpec(false);
  }

  @Override
  public List<ProtocolConfiguration> getProtocolStack() {
    return List.of();
  }
}
