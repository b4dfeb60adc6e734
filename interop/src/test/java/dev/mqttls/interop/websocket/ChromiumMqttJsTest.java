package dev.mqttls.interop.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.Chromium;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.NodePackages;
import dev.mqttls.testing.pki.TestPki;
import dev.mqttls.tls.PemReader;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser: headless Chromium loads a page and MQTT.js's browser bundle from our broker's
 * {@code http_dir} over HTTPS, and the page connects back over wss, subscribes and publishes; Paho
 * (over wss too) sees the page's message and sends it one.
 */
class ChromiumMqttJsTest {
  @TempDir Path dir;

  @Test
  void pageConnectsOverWss_publishesAndReceives() throws Exception {
    TestPki pki = TestPki.create(dir);
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.copy(NodePackages.mqttBrowserBundle(), www.resolve("mqtt.min.js"));
    try (InputStream in = getClass().getResourceAsStream("/mqttjs/browser.html")) {
      Files.write(www.resolve("index.html"), in.readAllBytes());
    }
    // Chromium trusts exactly this server key, as a pinned certificate: no verification is off.
    byte[] spki = PemReader.readCertificates(pki.serverCert()).get(0).getPublicKey().getEncoded();
    String pin =
        Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
    try (EmbeddedBroker broker =
            EmbeddedBroker.start(
                "listener 0 127.0.0.1",
                "protocol websockets",
                "http_dir " + www,
                "cafile " + pki.caFile(),
                "certfile " + pki.serverCert(),
                "keyfile " + pki.serverKey());
        Chromium browser =
            Chromium.start(800, 600, List.of("--ignore-certificate-errors-spki-list=" + pin))) {
      int port = broker.port();
      MqttConnectOptions o = new MqttConnectOptions();
      o.setSocketFactory(JdkTls.context(pki.caFile(), null, null).getSocketFactory());
      o.setConnectionTimeout(10);
      BlockingQueue<String> got = new ArrayBlockingQueue<>(4);
      MqttClient paho =
          new MqttClient(
              "wss://127.0.0.1:" + port + "/mqtt", "paho-watch", new MemoryPersistence());
      try {
        paho.connect(o);
        paho.subscribe(
            "browser/out",
            1,
            (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
        browser.open(URI.create("https://localhost:" + port + "/"));
        assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("hello from chromium");
        paho.publish("browser/in", "hello to chromium".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(
                browser.awaitText(
                    "#status", "received browser/in hello to chromium", Duration.ofSeconds(10)))
            .as("page status; browser console: %s", browser.console())
            .isPresent();
        broker.log().assertLogged(0, Duration.ofSeconds(5), "as chromium-page");
      } finally {
        if (paho.isConnected()) {
          paho.disconnect();
        }
        paho.close(true);
      }
    }
  }
}
