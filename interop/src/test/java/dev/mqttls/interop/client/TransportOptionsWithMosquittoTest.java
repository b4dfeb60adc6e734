package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.Socks5Proxy;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.certs.OpenSslPki;
import io.netty.channel.epoll.Epoll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways of reaching a broker that {@code mosquitto_pub} offers, against Debian's Mosquitto: a
 * SOCKS5 proxy (names resolved by the proxy; TLS end to end; user name and password), a Unix domain
 * socket, and MQTT 3.1 ({@code MQIsdp}).
 */
class TransportOptionsWithMosquittoTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path pkiDir;
  static OpenSslPki pki;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void makePki() {
    pki = new OpenSslPki(pkiDir);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private MqttClient client(MqttClientConfig.Builder b) {
    return closing(MqttClient.create(b.build()));
  }

  /** A direct subscriber to {@code t/#}; returns what it receives. */
  private List<String> subscriber(MqttClientConfig.Builder b) {
    MqttClient s = client(b);
    s.blocking().connect();
    List<String> got = new CopyOnWriteArrayList<>();
    s.blocking()
        .subscribe(Subscription.of("t/#", Qos.AT_LEAST_ONCE), m -> got.add(m.payloadAsString()));
    return got;
  }

  private static Message msg(String text) {
    return Message.builder("t/x").payload(text).qos(Qos.AT_LEAST_ONCE).build();
  }

  @Test
  void socks5_plain_theProxyResolvesTheBrokersName() throws Exception {
    MosquittoProcess m = closing(MosquittoProcess.start());
    Socks5Relay proxy = closing(new Socks5Relay(null, null));
    List<String> got = subscriber(MqttClientConfig.builder("127.0.0.1").port(m.port()));
    MqttClient c =
        client(
            MqttClientConfig.builder("localhost")
                .port(m.port())
                .socks5Proxy(Socks5Proxy.of("127.0.0.1", proxy.port())));
    c.blocking().connect();
    c.blocking().publish(msg("via-proxy"));
    Await.until("the message", WAIT, () -> got.contains("via-proxy"));
    assertThat(proxy.destinations).containsExactly("localhost:" + m.port());
  }

  @Test
  void socks5_withCredentials_tlsEndToEnd() throws Exception {
    MosquittoProcess m =
        closing(
            MosquittoProcess.builder()
                .listenerLine("certfile " + pki.serverCert)
                .listenerLine("keyfile " + pki.serverKey)
                .start());
    Socks5Relay proxy = closing(new Socks5Relay("alice", "s3cret"));
    TlsConfig tls = TlsConfig.builder().caFile(pki.caCert).build();
    List<String> got = subscriber(MqttClientConfig.builder("localhost").port(m.port()).tls(tls));
    MqttClient c =
        client(
            MqttClientConfig.builder("localhost")
                .port(m.port())
                .tls(tls)
                .socks5Proxy(
                    Socks5Proxy.of("127.0.0.1", proxy.port())
                        .withCredentials("alice", "s3cret".toCharArray())));
    assertThat(c.blocking().connect().tls().get().peerSubject()).isEqualTo("CN=localhost");
    c.blocking().publish(msg("tls-via-proxy"));
    Await.until("the message", WAIT, () -> got.contains("tls-via-proxy"));
  }

  @Test
  void socks5_wrongPassword_isNamedAsTheProxysRefusal() throws Exception {
    MosquittoProcess m = closing(MosquittoProcess.start());
    Socks5Relay proxy = closing(new Socks5Relay("alice", "s3cret"));
    MqttClient c =
        client(
            MqttClientConfig.builder("localhost")
                .port(m.port())
                .socks5Proxy(
                    Socks5Proxy.of("127.0.0.1", proxy.port())
                        .withCredentials("alice", "wrong".toCharArray())));
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.UNREACHABLE);
    assertThat(e.getMessage())
        .contains("the SOCKS5 proxy socks5h://alice:(set)@127.0.0.1:" + proxy.port())
        .doesNotContain("wrong")
        .doesNotContain("Exception");
  }

  @Test
  void unixSocket_publishAndReceive() throws Exception {
    Assumptions.assumeTrue(Epoll.isAvailable(), "Unix sockets need Netty's epoll transport");
    MosquittoProcess.Builder b = MosquittoProcess.builder();
    Path socket = b.directory().resolve("mqtt.sock");
    b.line("listener 0 " + socket);
    MosquittoProcess m = closing(b.start());
    Await.until("the socket file", WAIT, () -> socket.toFile().exists());
    List<String> got = subscriber(MqttClientConfig.builder("127.0.0.1").port(m.port()));
    MqttClient c = client(MqttClientConfig.builder("localhost").unixSocket(socket));
    c.blocking().connect();
    assertThat(c.status().brokerUrl()).isEqualTo("unix:" + socket);
    c.blocking().publish(msg("via-unix"));
    Await.until("the message", WAIT, () -> got.contains("via-unix"));
  }

  @Test
  void unixSocket_missing_isNamed() {
    Assumptions.assumeTrue(Epoll.isAvailable(), "Unix sockets need Netty's epoll transport");
    Path missing = pkiDir.resolve("no.sock");
    MqttClient c = client(MqttClientConfig.builder("localhost").unixSocket(missing));
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.UNREACHABLE);
    assertThat(e.getMessage())
        .isEqualTo(
            "the Unix socket "
                + missing
                + " does not exist: is the broker running and listening"
                + " there?");
  }

  @Test
  void mqtt31_connectsAsProtocolLevel3() throws Exception {
    MosquittoProcess m = closing(MosquittoProcess.start());
    List<String> got = subscriber(MqttClientConfig.builder("127.0.0.1").port(m.port()));
    MqttClient c =
        client(
            MqttClientConfig.builder("127.0.0.1")
                .port(m.port())
                .version(MqttVersion.V3_1)
                .clientId("old-device"));
    c.blocking().connect();
    c.blocking().publish(msg("from-3.1"));
    Await.until("the message", WAIT, () -> got.contains("from-3.1"));
    // Mosquitto logs the protocol: p1 is MQTT 3.1, p2 3.1.1, p5 5.0
    assertThat(m.awaitLog(l -> l.contains("as old-device (p1"), WAIT)).isPresent();
  }
}
