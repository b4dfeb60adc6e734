package dev.mqttls.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.PrometheusText;
import dev.mqttls.testing.pki.TestPki;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin HTTP listener over real sockets: probes, metrics, basic auth, HTTPS, start-up errors.
 */
class AdminServerTest {
  @TempDir Path dir;

  private static BrokerConfig broker() {
    return BrokerConfig.builder().listener(0, "127.0.0.1").sysInterval(Duration.ZERO).build();
  }

  private static HttpResponse<String> get(HttpClient http, String url, String auth)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (auth != null) {
      b.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpClient plain() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void probesAndMetrics_onLoopback_withoutAuthentication() throws Exception {
    try (Broker b = Broker.start(broker());
        AdminServer admin = AdminServer.start(AdminConfig.loopback(0), b)) {
      HttpClient http = plain();
      HttpResponse<String> health = get(http, admin.url() + "/healthz", null);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
      HttpResponse<String> ready = get(http, admin.url() + "/readyz", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("ready\n");
      HttpResponse<String> metrics = get(http, admin.url() + "/metrics", null);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/plain; version=0.0.4");
      assertThat(metrics.body()).contains("mqttls_publish_received_total{qos=\"0\"}");
      assertThat(get(http, admin.url() + "/nothing-here", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void readyz_failsWithTheReason_whenAnExtraCheckIsNotMet() throws Exception {
    try (Broker b = Broker.start(broker());
        AdminServer admin =
            AdminServer.start(
                AdminConfig.loopback(0), b, List.of(() -> Optional.of("cluster not joined")))) {
      HttpResponse<String> ready = get(plain(), admin.url() + "/readyz", null);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).isEqualTo("not ready: cluster not joined\n");
    }
  }

  @Test
  void metrics_parseWithPrometheusParser() throws Exception {
    assumeTrue(PrometheusText.isInstalled(), "python3-prometheus-client not installed");
    try (Broker b = Broker.start(broker());
        AdminServer admin = AdminServer.start(AdminConfig.loopback(0), b)) {
      List<PrometheusText.Sample> s =
          PrometheusText.parse(get(plain(), admin.url() + "/metrics", null).body());
      assertThat(PrometheusText.value(s, "mqttls_publish_received_total", "qos", "1"))
          .contains(0.0);
      assertThat(PrometheusText.value(s, "mqttls_network_received_bytes_total")).isPresent();
      assertThat(PrometheusText.value(s, "mqttls_sessions")).contains(0.0);
      assertThat(PrometheusText.value(s, "jvm_memory_used_bytes", "area", "heap")).isPresent();
      assertThat(PrometheusText.value(s, "netty_allocator_memory_used")).isPresent();
      assertThat(s)
          .filteredOn(x -> x.name().startsWith("mqttls_"))
          .allSatisfy(x -> assertThat(x.name()).matches("mqttls_[a-z_]+"));
    }
  }

  @Test
  void passwordFile_basicAuthRequired_exceptForProbes() throws Exception {
    Path passwd = dir.resolve("admin-passwd");
    MosquittoClients.Result r =
        MosquittoClients.run(
            Duration.ofSeconds(10), "mosquitto_passwd", "-b", "-c", passwd, "ops", "s3cret pw");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    AdminConfig c =
        new AdminConfig(
            0, Optional.of("127.0.0.1"), Optional.empty(), Optional.empty(), Optional.of(passwd));
    try (Broker b = Broker.start(broker());
        AdminServer admin = AdminServer.start(c, b)) {
      HttpClient http = plain();
      HttpResponse<String> none = get(http, admin.url() + "/metrics", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic ");
      HttpResponse<String> wrong = get(http, admin.url() + "/metrics", "ops:wrong");
      assertThat(wrong.statusCode()).isEqualTo(401);
      // The same answer whether the user exists or not: nothing names users.
      assertThat(get(http, admin.url() + "/metrics", "nobody:x").body()).isEqualTo(wrong.body());
      assertThat(get(http, admin.url() + "/metrics", "ops:s3cret pw").statusCode()).isEqualTo(200);
      assertThat(get(http, admin.url() + "/healthz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void https_withTheListenersCertificate() throws Exception {
    TestPki pki = TestPki.create(dir);
    AdminConfig c =
        new AdminConfig(
            0,
            Optional.of("127.0.0.1"),
            Optional.of(pki.serverCert()),
            Optional.of(pki.serverKey()),
            Optional.empty());
    try (Broker b = Broker.start(broker());
        AdminServer admin = AdminServer.start(c, b)) {
      assertThat(admin.url()).startsWith("https://127.0.0.1:");
      HttpClient https =
          HttpClient.newBuilder()
              .sslContext(trusting(pki.caFile()))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      assertThat(get(https, admin.url() + "/healthz", null).statusCode()).isEqualTo(200);
      // Plain HTTP to the HTTPS port gets no HTTP answer, and the listener keeps serving.
      try (Socket raw = new Socket(admin.address().getAddress(), admin.address().getPort())) {
        raw.setSoTimeout(10_000);
        raw.getOutputStream()
            .write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] answer = raw.getInputStream().readNBytes(5);
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotStartWith("HTTP");
      }
      assertThat(get(https, admin.url() + "/metrics", null).statusCode()).isEqualTo(200);
    }
  }

  private static SSLContext trusting(Path caFile) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void nonLoopbackWithoutTlsAndPasswords_stopsStartup_namingTheCause() throws Exception {
    Path conf = dir.resolve("mqttls.conf");
    Files.writeString(conf, "listener 1883 127.0.0.1\nhttp_listener 9090 0.0.0.0\n");
    assertThatThrownBy(() -> AdminConfig.from(ConfReader.read(conf)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mqttls.conf:2: http_listener:")
        .hasMessageContaining("without http_certfile/http_keyfile and http_password_file");
    Files.writeString(conf, "http_listener 9090\n");
    assertThatThrownBy(() -> AdminConfig.from(ConfReader.read(conf)))
        .hasMessageContaining("every interface");
    Files.writeString(conf, "http_password_file p\n");
    assertThatThrownBy(() -> AdminConfig.from(ConfReader.read(conf)))
        .hasMessageContaining("needs an http_listener");
    Files.writeString(conf, "http_listener 9090 127.0.0.1\n");
    assertThat(AdminConfig.from(ConfReader.read(conf))).contains(AdminConfig.loopback(9090));
    // The broker accepts (and skips) the admin's directives in the same file.
    assertThat(BrokerConfig.parse(conf).listeners()).hasSize(1);
  }

  @Test
  void busyPort_stopsStartup_sayingSo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Broker b = Broker.start(broker())) {
      assertThatThrownBy(() -> AdminServer.start(AdminConfig.loopback(taken.getLocalPort()), b))
          .isInstanceOf(AdminStartException.class)
          .hasMessageContaining("http_listener: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("in use")
          .hasMessageContaining("choose another port with http_listener");
    }
  }
}
