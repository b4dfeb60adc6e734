package dev.mqttls.client.internal.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.MqttClientConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The transport's socket options, read back from a real loopback socket. */
class TransportTest {

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void tcpNoDelay_isWhatTheConfigurationSays(boolean noDelay) throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      MqttClientConfig config =
          MqttClientConfig.builder("127.0.0.1")
              .port(server.getLocalPort())
              .tcpNoDelay(noDelay)
              .build();
      Channel ch =
          Transport.bootstrap(config, Transport.loopFor(config), new ChannelInboundHandlerAdapter())
              .connect(Transport.remote(config, config.servers().get(0)))
              .sync()
              .channel();
      try {
        assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isEqualTo(noDelay);
      } finally {
        ch.close().sync();
      }
    }
  }

  @Test
  void defaultIsNoDelay() {
    assertThat(MqttClientConfig.builder("h").build().tcpNoDelay()).isTrue();
  }
}
