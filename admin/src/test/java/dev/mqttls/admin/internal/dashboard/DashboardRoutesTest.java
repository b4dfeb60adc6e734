package dev.mqttls.admin.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqttls.admin.AdminConfig;
import dev.mqttls.admin.AdminServer;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.testing.EmbeddedBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes over real sockets (the browser's view is interop's
 * DashboardInChromiumTest): files, read-only answers, the JSON API with a real client connected,
 * the event stream, and what the topic viewer refuses before subscribing.
 */
class DashboardRoutesTest {
  private static final Duration T = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(T).build();

  private HttpResponse<String> send(String method, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(T)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageAndTheChartLibrary_withAStrictPolicy_andOnlyNamedFiles() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start("listener 0 127.0.0.1");
        AdminServer admin = AdminServer.start(AdminConfig.loopback(0), broker.broker())) {
      HttpResponse<String> bare = send("GET", admin.url() + "/dashboard");
      assertThat(bare.statusCode()).isEqualTo(302);
      assertThat(bare.headers().firstValue("Location")).contains("/dashboard/");

      HttpResponse<String> page = send("GET", admin.url() + "/dashboard/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<title>mqttls dashboard</title>");
      assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
          .contains("script-src 'self'");

      HttpResponse<String> uplot = send("GET", admin.url() + "/dashboard/lib/uPlot.js");
      assertThat(uplot.statusCode()).isEqualTo(200);
      assertThat(uplot.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/javascript");
      assertThat(uplot.body()).contains("uPlot");

      assertThat(send("GET", admin.url() + "/dashboard/../pom.xml").statusCode()).isEqualTo(404);
      assertThat(send("GET", admin.url() + "/dashboard/dashboard").statusCode()).isEqualTo(404);
      HttpResponse<String> post = send("POST", admin.url() + "/dashboard/api/clients");
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.body()).isEqualTo("the dashboard is read-only\n");
    }
  }

  @Test
  void clientsAndClientApi_showAConnectedClient_itsSubscriptions_andWhatTheAclRefusedIt()
      throws Exception {
    Path acl = Files.writeString(dir.resolve("acl"), "topic readwrite public/#\n");
    try (EmbeddedBroker broker = EmbeddedBroker.start("acl_file " + acl, "listener 0 127.0.0.1");
        AdminServer admin = AdminServer.start(AdminConfig.loopback(0), broker.broker());
        MqttClient client =
            MqttClient.create(
                MqttClientConfig.builder("127.0.0.1")
                    .port(broker.port())
                    .clientId("gateway-4")
                    .build())) {
      client.blocking().connect();
      client.blocking().subscribe(Subscription.of("public/news", Qos.AT_LEAST_ONCE), m -> {});
      MqttClientException denied =
          catchThrowableOfType(
              MqttClientException.class,
              () ->
                  client
                      .blocking()
                      .subscribe(Subscription.of("private/x", Qos.AT_MOST_ONCE), m -> {}));
      assertThat(denied.reasonCode()).contains(ReasonCode.NOT_AUTHORIZED);

      JsonNode clients = JSON.readTree(send("GET", admin.url() + "/dashboard/api/clients").body());
      assertThat(clients).hasSize(1);
      JsonNode row = clients.get(0);
      assertThat(row.path("clientId").asText()).isEqualTo("gateway-4");
      assertThat(row.path("online").asBoolean()).isTrue();
      assertThat(row.path("protocol").asText()).isEqualTo("MQTT 5.0");
      assertThat(row.path("subscriptions").asInt()).isEqualTo(1);
      assertThat(row.has("tlsVersion")).as("a plain listener has no TLS version").isFalse();

      JsonNode one =
          JSON.readTree(send("GET", admin.url() + "/dashboard/api/client?id=gateway-4").body());
      assertThat(one.path("subscriptionList").get(0).path("filter").asText())
          .isEqualTo("public/news");
      JsonNode refusal = one.path("refusals").get(0);
      assertThat(refusal.path("what").asText()).isEqualTo("SUBSCRIBE to private/x");
      assertThat(refusal.path("reason").asText()).isEqualTo("not authorized");

      assertThat(send("GET", admin.url() + "/dashboard/api/client?id=nobody").statusCode())
          .isEqualTo(404);
      assertThat(send("GET", admin.url() + "/dashboard/api/client").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void eventStream_sendsTheFiguresAtOnce_andTopicViewerRefusesBadOrSharedFilters()
      throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start("listener 0 127.0.0.1");
        AdminServer admin = AdminServer.start(AdminConfig.loopback(0), broker.broker())) {
      HttpResponse<Stream<String>> events =
          http.send(
              HttpRequest.newBuilder(URI.create(admin.url() + "/dashboard/api/events"))
                  .timeout(T)
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      assertThat(events.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      try (Stream<String> lines = events.body()) {
        Iterator<String> it = lines.iterator();
        String data = null;
        // retry, event and data lines come first; bounded, the figures are sent at once
        for (int i = 0; i < 10 && data == null && it.hasNext(); i++) {
          String line = it.next();
          if (line.startsWith("data: ")) {
            data = line.substring("data: ".length());
          }
        }
        assertThat(data).isNotNull();
        JsonNode figures = JSON.readTree(data);
        assertThat(figures.path("connections").asLong()).isZero();
        assertThat(figures.has("publishIn")).isTrue();
      }

      HttpResponse<String> bad = send("GET", admin.url() + "/dashboard/api/topics?filter=a/%23/b");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("topic filter");
      HttpResponse<String> shared =
          send("GET", admin.url() + "/dashboard/api/topics?filter=%24share/g/a");
      assertThat(shared.statusCode()).isEqualTo(400);
      assertThat(shared.body()).contains("shared subscriptions");
    }
  }
}
