package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client side against our listener: verification on by default, DNS and IP names. */
class ClientTlsTest {
  @TempDir Path dir;
  private final EventLoopGroup group = new NioEventLoopGroup(1);

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Returns null on success, else the handshake failure. */
  private Throwable handshake(ClientTls tls, String host, int port) throws Exception {
    SslHandler[] h = new SslHandler[1];
    Channel ch =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    h[0] = tls.newHandler(c.alloc(), host, port);
                    c.pipeline().addLast(h[0]);
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    try {
      Future<Channel> f = h[0].handshakeFuture();
      assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
      return f.cause();
    } finally {
      ch.close().sync();
    }
  }

  @Test
  void caFile_hostnameAndIpVerified() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (TlsTestServer server = new TlsTestServer(ServerTls.open(f.settings().build(), "8883"))) {
      ClientTls tls = ClientTls.create(ClientTlsSettings.builder().caFile(f.caFile).build());
      assertThat(handshake(tls, "localhost", server.port())).isNull();
      assertThat(handshake(tls, "127.0.0.1", server.port())).isNull();
      assertThat(handshake(tls, "broker.example", server.port())).isNotNull();
    }
  }

  @Test
  void mutual_withEncryptedKey_andServerName() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "dev-c");
    TestPki.writePair(dir, "dev", dev);
    Openssl.ok(
        dir,
        "pkcs8",
        "-topk8",
        "-in",
        "dev.key",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:pw",
        "-out",
        "dev-enc.key");
    try (TlsTestServer server = new TlsTestServer(ServerTls.open(f.mutual().build(), "8883"))) {
      ClientTls tls =
          ClientTls.create(
              ClientTlsSettings.builder()
                  .caFile(f.caFile)
                  .clientCertificate(dir.resolve("dev.crt"), dir.resolve("dev-enc.key"))
                  .keyPassword("pw".toCharArray())
                  .serverName("localhost")
                  .build());
      assertThat(handshake(tls, "127.0.0.1", server.port())).isNull();
      assertThat(server.next(TlsSessionEstablished.class).identity().orElseThrow().value())
          .isEqualTo("dev-c");
    }
  }

  @Test
  void otherCa_refused_insecure_accepted() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued other = TestPki.ca("Other");
    Path otherCa = TestPki.write(dir.resolve("other.crt"), TestPki.pem(other.cert()));
    try (TlsTestServer server = new TlsTestServer(ServerTls.open(f.settings().build(), "8883"))) {
      assertThat(
              handshake(
                  ClientTls.create(ClientTlsSettings.builder().caFile(otherCa).build()),
                  "localhost",
                  server.port()))
          .isNotNull();
      assertThat(
              handshake(
                  ClientTls.create(ClientTlsSettings.builder().insecure().build()),
                  "anything.example",
                  server.port()))
          .isNull();
    }
  }

  @Test
  void builder_validatesAtTheCall() {
    assertThatThrownBy(() -> ClientTlsSettings.builder().protocols(List.of("sslv3")))
        .hasMessageContaining("unknown TLS version 'sslv3'");
    assertThatThrownBy(
            () -> ClientTlsSettings.builder().insecure().caFile(Path.of("ca.crt")).build())
        .hasMessageContaining("exclude each other");
    assertThat(
            ClientTlsSettings.builder()
                .clientKeyStore(Path.of("d.p12"))
                .keyPassword("secret".toCharArray())
                .build()
                .toString())
        .doesNotContain("secret")
        .contains("password=(set)");
  }
}
