package dev.mqttls.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our codec in the client role against a broker we did not write: Debian's mosquitto 2.0 on
 * 127.0.0.1. Every packet mosquitto sends must pass our strict decoder and carry what we asked for.
 */
class MosquittoBrokerTest {
  private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

  @TempDir Path dir;
  private Process broker;
  private int port;
  private NioEventLoopGroup group;
  private Channel ch;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

  /** A decoded PUBLISH with its payload copied out. */
  record Seen(Publish header, String payload) {}

  @BeforeEach
  void startBroker() throws Exception {
    assertThat(Files.isExecutable(MOSQUITTO)).as("Debian mosquitto is needed").isTrue();
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "user root",
            "log_dest stderr",
            "set_tcp_nodelay true",
            "listener " + port + " 127.0.0.1",
            "allow_anonymous true",
            "max_topic_alias 4",
            ""));
    broker =
        new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start();
    for (int i = 0; i < 100; i++) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException notYet) {
        assertThat(broker.isAlive()).as("mosquitto running: %s", log()).isTrue();
        Thread.sleep(50);
      }
    }
    group = new NioEventLoopGroup(1);
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("mosquitto.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (ch != null) {
      ch.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (broker != null) {
      broker.destroy();
      if (!broker.waitFor(5, TimeUnit.SECONDS)) {
        broker.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    received.forEach(io.netty.util.ReferenceCountUtil::release);
  }

  private void connectTcp(MqttVersion v) throws InterruptedException {
    ch =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    c.pipeline()
                        .addLast(
                            MqttDecoder.forClient(DecoderLimits.DEFAULT, v),
                            new MqttEncoder(v),
                            new SimpleChannelInboundHandler<Object>() {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Publish p) {
                                  received.add(
                                      new Seen(
                                          p.withPacketId(p.packetId(), p.dup()),
                                          p.payload().toString(StandardCharsets.UTF_8)));
                                } else {
                                  received.add(msg);
                                }
                              }
                            });
                  }
                })
            .connect(new InetSocketAddress("127.0.0.1", port))
            .sync()
            .channel();
  }

  private Object next() throws InterruptedException {
    Object o = received.poll(10, TimeUnit.SECONDS);
    assertThat(o).as("a packet from mosquitto; its log: %s", log()).isNotNull();
    assertThat(o).as("mosquitto's packet decodes").isNotInstanceOf(MalformedPacket.class);
    return o;
  }

  private void send(MqttPacket p) {
    ch.writeAndFlush(p).syncUninterruptibly();
  }

  @Test
  void v5_connectSubscribePublishQos2_everyPacketDecodesWithOurProperties() throws Exception {
    connectTcp(MqttVersion.V5);
    send(
        new Connect(
            MqttVersion.V5,
            "codec-it",
            true,
            30,
            null,
            null,
            null,
            MqttProperties.builder()
                .receiveMaximum(10)
                .topicAliasMaximum(5)
                .requestProblemInformation(true)
                .userProperty("from", "codec")
                .build()));
    Connack ack = (Connack) next();
    assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    assertThat(ack.properties().topicAliasMaximum()).isEqualTo(4);

    Subscription sub = new Subscription(TopicFilter.of("it/#"), Qos.EXACTLY_ONCE, false, true, 0);
    send(
        new Subscribe(1, List.of(sub), MqttProperties.builder().subscriptionIdentifier(9).build()));
    assertThat(next())
        .isEqualTo(new Suback(1, List.of(ReasonCode.GRANTED_QOS_2), MqttProperties.EMPTY));

    MqttProperties props =
        MqttProperties.builder()
            .contentType("text/plain")
            .responseTopic("it/reply")
            .correlationData(new byte[] {1, 2, 3})
            .userProperty("k", "v")
            .payloadFormatIndicator(1)
            .build();
    send(
        new Publish(
            false,
            Qos.EXACTLY_ONCE,
            true,
            "it/a",
            2,
            props,
            Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8)));
    assertThat(next()).isEqualTo(new Pubrec(2));
    send(new Pubrel(2));
    Object a = next();
    Object b = next();
    Seen in = (Seen) (a instanceof Seen ? a : b);
    assertThat(a instanceof Seen ? b : a).isEqualTo(new Pubcomp(2));
    Publish p = in.header();
    assertThat(p.topic()).isEqualTo("it/a");
    assertThat(p.qos()).isEqualTo(Qos.EXACTLY_ONCE);
    assertThat(p.retainFlag()).isTrue(); // Retain As Published
    assertThat(in.payload()).isEqualTo("hi");
    assertThat(p.properties().subscriptionIdentifiers()).containsExactly(9);
    assertThat(p.properties().contentType()).isEqualTo("text/plain");
    assertThat(p.properties().responseTopic()).isEqualTo("it/reply");
    assertThat(p.properties().correlationData()).containsExactly(1, 2, 3);
    assertThat(p.properties().userProperties()).containsExactly(new UserProperty("k", "v"));
    send(new Pubrec(p.packetId()));
    assertThat(next()).isEqualTo(new Pubrel(p.packetId()));
    send(new Pubcomp(p.packetId()));

    // A topic alias: set with the first PUBLISH, used alone by the second.
    MqttProperties alias = MqttProperties.builder().topicAlias(1).build();
    send(
        new Publish(
            false,
            Qos.AT_MOST_ONCE,
            false,
            "it/b",
            0,
            alias,
            Unpooled.wrappedBuffer(new byte[] {'1'})));
    send(
        new Publish(
            false,
            Qos.AT_MOST_ONCE,
            false,
            "",
            0,
            alias,
            Unpooled.wrappedBuffer(new byte[] {'2'})));
    Seen first = (Seen) next();
    Seen second = (Seen) next();
    assertThat(first.header().topic()).isEqualTo("it/b");
    assertThat(second.header().topic()).isEqualTo("it/b");
    assertThat(first.payload() + second.payload()).isEqualTo("12");

    send(new Disconnect());
  }

  @Test
  void v5_topicAliasAboveMaximum_mosquittoDisconnectDecodesWithReason() throws Exception {
    connectTcp(MqttVersion.V5);
    send(new Connect(MqttVersion.V5, "codec-bad-alias", true, 30));
    assertThat(((Connack) next()).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    send(
        new Publish(
            false,
            Qos.AT_MOST_ONCE,
            false,
            "it/c",
            0,
            MqttProperties.builder().topicAlias(100).build(),
            Unpooled.EMPTY_BUFFER));
    Disconnect d = (Disconnect) next();
    assertThat(d.reasonCode()).isEqualTo(ReasonCode.TOPIC_ALIAS_INVALID);
  }

  @Test
  void v311_subscribePublishQos1_everyPacketDecodes() throws Exception {
    connectTcp(MqttVersion.V3_1_1);
    send(new Connect(MqttVersion.V3_1_1, "codec-311", true, 30));
    assertThat(next()).isEqualTo(new Connack(false, ReasonCode.SUCCESS, MqttProperties.EMPTY));
    send(
        new Subscribe(
            3, List.of(new Subscription(TopicFilter.of("t/+"), Qos.AT_LEAST_ONCE)), null));
    assertThat(next()).isEqualTo(new Suback(3, List.of(ReasonCode.GRANTED_QOS_1), null));
    send(
        new Publish(
            false,
            Qos.AT_LEAST_ONCE,
            false,
            "t/1",
            4,
            null,
            Unpooled.copiedBuffer("v", StandardCharsets.UTF_8)));
    Object a = next();
    Object b = next();
    Seen in = (Seen) (a instanceof Seen ? a : b);
    assertThat(a instanceof Seen ? b : a).isEqualTo(new Puback(4));
    assertThat(in.header().topic()).isEqualTo("t/1");
    assertThat(in.payload()).isEqualTo("v");
    send(new Puback(in.header().packetId()));
    send(new Unsubscribe(5, List.of(TopicFilter.of("t/+")), null));
    assertThat(next()).isEqualTo(new Unsuback(5, List.of(), null));
    send(Pingreq.INSTANCE);
    assertThat(next()).isEqualTo(Pingresp.INSTANCE);
    send(new Disconnect());
  }
}
