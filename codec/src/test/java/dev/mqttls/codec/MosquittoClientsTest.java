package dev.mqttls.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our codec against a peer we did not write: Debian's mosquitto_pub and mosquitto_sub
 * (libmosquitto) connect over TCP on 127.0.0.1 to a minimal server made of our decoder and encoder.
 * What they send must decode to exactly what their command line asked for, and what we encode they
 * must print back field by field.
 */
class MosquittoClientsTest {
  private static final Path PUB = Path.of("/usr/bin/mosquitto_pub");
  private static final Path SUB = Path.of("/usr/bin/mosquitto_sub");

  private static NioEventLoopGroup group;
  private static Channel server;
  private static int port;

  /** Everything the server decoded, in order; publishes as {@link Seen} copies. */
  private static final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

  /** A received PUBLISH with its payload copied out, so the buffer can be released at once. */
  record Seen(Publish header, byte[] payload) {}

  /** Answers like a broker would, just enough for the clients to complete their exchanges. */
  static final class MiniBroker extends SimpleChannelInboundHandler<Object> {
    private final MqttEncoder encoder;
    private final MqttDecoder decoder;

    MiniBroker(MqttDecoder decoder, MqttEncoder encoder) {
      super(false);
      this.decoder = decoder;
      this.encoder = encoder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof MalformedPacket m) {
        received.add(m);
        ctx.close();
        return;
      }
      MqttPacket p = (MqttPacket) msg;
      boolean v5 = decoder.version() == MqttVersion.V5;
      switch (p.type()) {
        case CONNECT -> {
          encoder.setVersion(((Connect) p).version());
          received.add(p);
          MqttProperties props =
              v5
                  ? MqttProperties.builder().topicAliasMaximum(0).receiveMaximum(20).build()
                  : MqttProperties.EMPTY;
          ctx.writeAndFlush(new Connack(false, ReasonCode.SUCCESS, props));
        }
        case PUBLISH -> {
          Publish pub = (Publish) p;
          received.add(
              new Seen(
                  pub.withPacketId(pub.packetId(), pub.dup()),
                  ByteBufUtil.getBytes(pub.payload())));
          pub.release();
          if (pub.qos() == Qos.AT_LEAST_ONCE) {
            ctx.writeAndFlush(new Puback(pub.packetId()));
          } else if (pub.qos() == Qos.EXACTLY_ONCE) {
            ctx.writeAndFlush(new Pubrec(pub.packetId()));
          }
        }
        case PUBREL -> {
          received.add(p);
          ctx.writeAndFlush(new Pubcomp(((Pubrel) p).packetId()));
        }
        case SUBSCRIBE -> {
          Subscribe s = (Subscribe) p;
          received.add(p);
          List<ReasonCode> granted = new ArrayList<>();
          for (Subscription sub : s.subscriptions()) {
            granted.add(ReasonCode.granted(sub.maxQos()));
          }
          ctx.write(new Suback(s.packetId(), granted, MqttProperties.EMPTY));
          MqttProperties props =
              v5
                  ? MqttProperties.builder()
                      .contentType("text/plain")
                      .messageExpiryInterval(99L)
                      .payloadFormatIndicator(1)
                      .responseTopic("reply/here")
                      .userProperty("k", "v")
                      .subscriptionIdentifiers(s.properties().subscriptionIdentifiers())
                      .build()
                  : MqttProperties.EMPTY;
          ctx.writeAndFlush(
              new Publish(
                  false,
                  Qos.AT_LEAST_ONCE,
                  true,
                  "x/y",
                  1,
                  props,
                  Unpooled.copiedBuffer("grüße", StandardCharsets.UTF_8)));
        }
        case PINGREQ -> ctx.writeAndFlush(Pingresp.INSTANCE);
        default -> received.add(p); // PUBACK, PUBCOMP, DISCONNECT, ...
      }
    }
  }

  @BeforeAll
  static void startServer() throws InterruptedException {
    assertThat(Files.isExecutable(PUB) && Files.isExecutable(SUB))
        .as("Debian mosquitto-clients are needed (./test.sh installs them)")
        .isTrue();
    group = new NioEventLoopGroup(1);
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    MqttDecoder decoder = MqttDecoder.forServer(DecoderLimits.DEFAULT);
                    MqttEncoder encoder = new MqttEncoder();
                    ch.pipeline().addLast(decoder, encoder, new MiniBroker(decoder, encoder));
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @BeforeEach
  void clear() {
    received.clear();
  }

  /** Runs a client to completion (bounded), returning its output; kills it if it hangs. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("exit status of %s, output: %s", command, out).isZero();
      return out;
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Object next() throws InterruptedException {
    Object o = received.poll(10, TimeUnit.SECONDS);
    assertThat(o).as("a packet arrived").isNotNull().isNotInstanceOf(MalformedPacket.class);
    return o;
  }

  private static List<String> cmd(Path tool, String... args) {
    List<String> c = new ArrayList<>();
    c.add(tool.toString());
    c.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(port)));
    c.addAll(List.of(args));
    return c;
  }

  @Test
  void mosquittoPubV5_qos2WithEveryPublishProperty_decodedExactly() throws Exception {
    run(
        cmd(
            PUB,
            "-V",
            "mqttv5",
            "-i",
            "codec-pub",
            "-k",
            "45",
            "-u",
            "alice",
            "-q",
            "2",
            "-r",
            "-t",
            "sensors/1",
            "-m",
            "hello",
            "-D",
            "connect",
            "session-expiry-interval",
            "30",
            "-D",
            "connect",
            "receive-maximum",
            "7",
            "-D",
            "connect",
            "user-property",
            "who",
            "me",
            "-D",
            "publish",
            "user-property",
            "k",
            "v",
            "-D",
            "publish",
            "user-property",
            "k",
            "v2",
            "-D",
            "publish",
            "content-type",
            "text/plain",
            "-D",
            "publish",
            "message-expiry-interval",
            "60",
            "-D",
            "publish",
            "response-topic",
            "reply/here",
            "-D",
            "publish",
            "correlation-data",
            "c0ffee",
            "-D",
            "publish",
            "payload-format-indicator",
            "1",
            "--will-topic",
            "will/t",
            "--will-payload",
            "bye",
            "--will-qos",
            "1",
            "--will-retain",
            "-D",
            "will",
            "will-delay-interval",
            "5"));
    Connect c = (Connect) next();
    assertThat(c.version()).isEqualTo(MqttVersion.V5);
    assertThat(c.clientId()).isEqualTo("codec-pub");
    assertThat(c.keepAlive()).isEqualTo(45);
    assertThat(c.username()).isEqualTo("alice");
    assertThat(c.hasPassword()).isFalse();
    assertThat(c.properties().sessionExpiryInterval()).isEqualTo(30L);
    assertThat(c.properties().receiveMaximum()).isEqualTo(7);
    assertThat(c.properties().userProperties()).containsExactly(new UserProperty("who", "me"));
    assertThat(c.will().topic().value()).isEqualTo("will/t");
    assertThat(c.will().payload()).isEqualTo("bye".getBytes(StandardCharsets.UTF_8));
    assertThat(c.will().qos()).isEqualTo(Qos.AT_LEAST_ONCE);
    assertThat(c.will().retain()).isTrue();
    assertThat(c.will().properties().willDelayInterval()).isEqualTo(5L);

    Seen s = (Seen) next();
    Publish p = s.header();
    assertThat(p.qos()).isEqualTo(Qos.EXACTLY_ONCE);
    assertThat(p.retainFlag()).isTrue();
    assertThat(p.topic()).isEqualTo("sensors/1");
    assertThat(s.payload()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    MqttProperties props = p.properties();
    assertThat(props.userProperties())
        .containsExactly(new UserProperty("k", "v"), new UserProperty("k", "v2"));
    assertThat(props.contentType()).isEqualTo("text/plain");
    assertThat(props.messageExpiryInterval()).isEqualTo(60L);
    assertThat(props.responseTopic()).isEqualTo("reply/here");
    assertThat(props.correlationData()).isEqualTo("c0ffee".getBytes(StandardCharsets.UTF_8));
    assertThat(props.payloadFormatIndicator()).isEqualTo(1);

    assertThat(next()).isEqualTo(new Pubrel(p.packetId()));
    assertThat(next()).isInstanceOf(Disconnect.class);
  }

  @Test
  void mosquittoPubV311_qos1_decodedExactly() throws Exception {
    run(cmd(PUB, "-V", "mqttv311", "-i", "pub311", "-q", "1", "-t", "a/b", "-m", "x"));
    Connect c = (Connect) next();
    assertThat(c.version()).isEqualTo(MqttVersion.V3_1_1);
    assertThat(c.clientId()).isEqualTo("pub311");
    assertThat(c.cleanStart()).isTrue();
    Seen s = (Seen) next();
    assertThat(s.header().qos()).isEqualTo(Qos.AT_LEAST_ONCE);
    assertThat(s.header().topic()).isEqualTo("a/b");
    assertThat(s.payload()).containsExactly('x');
    assertThat(next()).isEqualTo(new Disconnect());
  }

  @Test
  void mosquittoPubV31_qos0_decodedExactly() throws Exception {
    run(cmd(PUB, "-V", "mqttv31", "-i", "pub31", "-t", "a", "-m", ""));
    Connect c = (Connect) next();
    assertThat(c.version()).isEqualTo(MqttVersion.V3_1);
    Seen s = (Seen) next();
    assertThat(s.header().qos()).isEqualTo(Qos.AT_MOST_ONCE);
    assertThat(s.payload()).isEmpty();
    assertThat(next()).isInstanceOf(Disconnect.class);
  }

  @Test
  void mosquittoSubV5_printsEveryPropertyWeEncoded() throws Exception {
    String out =
        run(
            cmd(
                SUB,
                "-V",
                "mqttv5",
                "-i",
                "codec-sub",
                "-q",
                "1",
                "-t",
                "x/#",
                "-C",
                "1",
                "-W",
                "15",
                "-D",
                "subscribe",
                "subscription-identifier",
                "7",
                "-F",
                "%t|%q|%r|%m|%C|%E|%F|%R|%P|%S|%p"));
    assertThat(out.strip()).isEqualTo("x/y|1|1|1|text/plain|99|1|reply/here|k:v|7|grüße");
    assertThat(next()).isInstanceOf(Connect.class);
    Subscribe s = (Subscribe) next();
    assertThat(s.subscriptions())
        .containsExactly(new Subscription(TopicFilter.of("x/#"), Qos.AT_LEAST_ONCE));
    assertThat(s.properties().subscriptionIdentifiers()).containsExactly(7);
    assertThat(next()).isEqualTo(new Puback(1));
    assertThat(next()).isInstanceOf(Disconnect.class);
  }

  @Test
  void mosquittoSubV311_printsWhatWeEncoded() throws Exception {
    String out =
        run(
            cmd(
                SUB,
                "-V",
                "mqttv311",
                "-q",
                "2",
                "-t",
                "x/+",
                "-C",
                "1",
                "-W",
                "15",
                "-F",
                "%t|%q|%r|%p"));
    assertThat(out.strip()).isEqualTo("x/y|1|1|grüße");
    assertThat(next()).isInstanceOf(Connect.class);
    Subscribe s = (Subscribe) next();
    assertThat(s.subscriptions())
        .containsExactly(new Subscription(TopicFilter.of("x/+"), Qos.EXACTLY_ONCE));
    assertThat(next()).isEqualTo(new Puback(1));
    ReferenceCountUtil.release(received.poll(5, TimeUnit.SECONDS)); // DISCONNECT
  }
}
