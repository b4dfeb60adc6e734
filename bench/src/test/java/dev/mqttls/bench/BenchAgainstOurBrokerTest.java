package dev.mqttls.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scenario for a second or two against our broker in this JVM, over mutual TLS 1.3 with
 * per-device certificates from a pki directory, and one over plain MQTT. Asserts what the runs
 * count, never how fast they were.
 */
class BenchAgainstOurBrokerTest {
  @TempDir static Path tmp;
  static TestPki pki;
  static EmbeddedBroker tlsBroker;
  static EmbeddedBroker plainBroker;
  static Target tls;
  static Target plain;

  @BeforeAll
  static void startBrokers() {
    pki = TestPki.create(tmp);
    tlsBroker =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1",
            "cafile " + pki.caFile(),
            "certfile " + pki.serverCert(),
            "keyfile " + pki.serverKey(),
            "require_certificate true");
    plainBroker = new EmbeddedBroker().start();
    long self = ProcessHandle.current().pid();
    tls =
        Target.tls(
                "localhost",
                tlsBroker.port(),
                TlsOptions.trusting(pki.caFile()).withProtocol("TLSv1.3"))
            .withBrokerPid(self);
    plain = Target.plain("127.0.0.1", plainBroker.port()).withBrokerPid(self);
  }

  @AfterAll
  static void stopBrokers() {
    if (tlsBroker != null) {
      tlsBroker.close();
    }
    if (plainBroker != null) {
      plainBroker.close();
    }
  }

  private static DevicePool devices(int n) {
    return DevicePool.fromPki(pki.ca().directory(), n);
  }

  @Test
  void throughput_qos1_clean_run_counts_add_up_without_duplicates() throws Exception {
    BenchResult r =
        Bench.run(
            tls,
            devices(4),
            BenchSettings.builder(Scenario.THROUGHPUT)
                .duration(Duration.ofMillis(1500))
                .publishers(2)
                .subscribers(2)
                .qos(Qos.AT_LEAST_ONCE)
                .window(200)
                .build(),
            line -> {});
    long sent = (long) r.number("sent");
    assertThat(sent).isPositive();
    assertThat(r.number("expected_deliveries")).isEqualTo(sent * 2.0);
    assertThat(r.number("delivered") + r.number("lost")).isEqualTo(sent * 2.0);
    assertThat(r.number("lost")).isZero();
    assertThat(r.number("duplicates")).isZero();
    assertThat(r.number("acknowledged_never_delivered")).isZero();
    assertThat(r.number("acknowledged")).isEqualTo((double) sent);
    assertThat(r.number("connections_dropped_by_broker")).isZero();
    assertThat(r.figures()).containsKeys("latency_p99_ms", "broker_cpu_us_per_delivered_msg");
  }

  @Test
  void throughput_open_loop_topic_per_publisher_qos2_delivers_exactly_once() throws Exception {
    BenchResult r =
        Bench.run(
            plain,
            DevicePool.none(),
            BenchSettings.builder(Scenario.THROUGHPUT)
                .duration(Duration.ofMillis(1200))
                .publishers(3)
                .subscribers(1)
                .qos(Qos.EXACTLY_ONCE)
                .topicPerPublisher(true)
                .rate(150)
                .build(),
            line -> {});
    assertThat(r.figures()).containsEntry("loop", "open");
    assertThat(r.number("sent")).isPositive();
    // the open loop never runs ahead of its schedule (one message per publisher is due at once)
    assertThat(r.number("sent")).isLessThanOrEqualTo(150 * r.number("seconds") + 3);
    assertThat(r.number("connections_dropped_by_broker")).isZero();
    assertThat(r.number("delivered")).isEqualTo(r.number("sent"));
    assertThat(r.number("duplicates")).isZero();
  }

  @Test
  void a_slow_subscriber_reads_no_faster_than_its_pace_and_still_gets_everything()
      throws Exception {
    BenchResult r =
        Bench.run(
            plain,
            DevicePool.none(),
            BenchSettings.builder(Scenario.THROUGHPUT)
                .duration(Duration.ofMillis(1000))
                .subscribers(2)
                .slowSubscribers(1)
                .subscriberDelayMicros(5000)
                .qos(Qos.AT_LEAST_ONCE)
                .window(50)
                .build(),
            line -> {});
    assertThat(r.number("subscriber_delay_us")).isEqualTo(5000.0);
    long sent = (long) r.number("sent");
    assertThat(sent).isPositive();
    // The closed loop waits for the slow one (200 msgs/s); unpaced, 1 s would be thousands.
    // Slack: one 4 KiB read (~40 messages) handled before a pause, and twice the window (the
    // window counts deliveries averaged over both subscribers, and the fast one is never behind).
    assertThat((double) sent).isLessThanOrEqualTo(200 * r.number("seconds") + 50 + 2 * 50);
    assertThat(r.number("delivered")).isEqualTo(sent * 2.0);
    assertThat(r.number("duplicates")).isZero();
    assertThat(r.number("connections_dropped_by_broker")).isZero();
  }

  @Test
  void slow_subscribers_must_be_among_the_subscribers() {
    BenchSettings.Builder b =
        BenchSettings.builder(Scenario.THROUGHPUT).subscribers(2).slowSubscribers(3);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--slow-subscribers");
  }

  @Test
  void latency_records_every_message_at_the_fixed_rate() throws Exception {
    BenchResult r =
        Bench.run(
            plain,
            DevicePool.none(),
            BenchSettings.builder(Scenario.LATENCY)
                .duration(Duration.ofSeconds(1))
                .rate(500)
                .build(),
            line -> {});
    assertThat(r.number("sent")).isPositive().isLessThanOrEqualTo(500 * r.number("seconds") + 1);
    assertThat(r.number("lost")).isZero();
    assertThat(r.figures()).containsKeys("latency_p50_ms", "latency_p99_ms", "latency_p99_9_ms");
    Series curve =
        r.series().stream().filter(s -> s.id().equals("latency")).findFirst().orElseThrow();
    assertThat(curve.percentiles()).isTrue();
    assertThat(curve.points()).hasSizeGreaterThan(5);
  }

  @Test
  void connect_counts_full_and_really_resumed_handshakes() throws Exception {
    BenchResult r =
        Bench.run(
            tls,
            devices(3),
            BenchSettings.builder(Scenario.CONNECT)
                .duration(Duration.ofSeconds(2))
                .concurrency(2)
                .build(),
            line -> {});
    assertThat(r.number("full_connects")).isPositive();
    assertThat(r.number("full_failed")).isZero();
    assertThat(r.number("full_really_resumed")).isZero();
    assertThat(r.number("resumed_connects")).isPositive();
    assertThat(r.number("resumed_really_resumed")).isPositive();
    assertThat(r.number("resumed_really_resumed"))
        .isLessThanOrEqualTo(r.number("resumed_connects"));
    assertThat(r.figures()).containsKeys("full_connack_p99_ms", "full_tls_only_p50_ms");
  }

  @Test
  void idle_holds_connections_from_several_loopback_addresses() throws Exception {
    BenchResult r =
        Bench.run(
            tls,
            devices(5),
            BenchSettings.builder(Scenario.IDLE)
                .duration(Duration.ofMillis(800))
                .connections(40)
                .sourceAddresses(4)
                .build(),
            line -> {});
    assertThat(r.number("connected")).isEqualTo(40.0);
    assertThat(r.number("failed")).isZero();
    assertThat(r.number("still_open_after_hold")).isEqualTo(40.0);
    assertThat(r.number("source_addresses")).isEqualTo(4.0);
    assertThat(r.figures()).containsKeys("broker_rss_kib_per_connection");
  }

  @Test
  void wire_counts_tls_records_above_the_plain_mqtt_size() throws Exception {
    BenchSettings s =
        BenchSettings.builder(Scenario.WIRE).messages(200).batch(50).qos(Qos.AT_LEAST_ONCE).build();
    BenchResult overTls = Bench.run(tls, devices(2), s, line -> {});
    BenchResult overPlain = Bench.run(plain, DevicePool.none(), s, line -> {});
    double mqtt = overPlain.number("plain_mqtt_bytes_per_msg");
    // plain TCP carries exactly the MQTT packet
    assertThat(overPlain.number("one_by_one_publisher_to_broker_bytes_per_msg")).isEqualTo(mqtt);
    assertThat(overPlain.number("batched_publisher_to_broker_bytes_per_msg")).isEqualTo(mqtt);
    // a TLS record per flush costs more than one per batch of fifty
    assertThat(overTls.number("one_by_one_publisher_to_broker_bytes_per_msg"))
        .isGreaterThan(overTls.number("batched_publisher_to_broker_bytes_per_msg"));
    assertThat(overTls.number("batched_publisher_to_broker_bytes_per_msg")).isGreaterThan(mqtt);
  }

  @Test
  void json_and_html_reports_hold_the_figures_and_the_plots() throws Exception {
    BenchSettings s =
        BenchSettings.builder(Scenario.LATENCY).duration(Duration.ofMillis(700)).rate(300).build();
    BenchResult a = Bench.run(plain, DevicePool.none(), s, line -> {});
    BenchResult b = Bench.run(tls, devices(2), s, line -> {});

    JsonNode json = new ObjectMapper().readTree(JsonReport.of(a));
    assertThat(json.get("scenario").asText()).isEqualTo("latency");
    assertThat(json.get("figures").get("sent").asLong()).isEqualTo((long) a.number("sent"));
    assertThat(json.get("machine").get("cores").asInt()).isPositive();
    assertThat(json.get("series").size()).isEqualTo(2);
    JsonNode cmp = new ObjectMapper().readTree(JsonReport.of(Comparison.of(a, b)));
    assertThat(cmp.get("ratios").has("sent")).isTrue();

    Path html = tmp.resolve("report.html");
    HtmlReport.write(List.of(a, b), html);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertThat(page).startsWith("<!DOCTYPE html>");
    // latency curve, rate over time, CPU per unit
    assertThat(page.split("<svg", -1)).hasSize(4);
    assertThat(page).contains("End-to-end latency", "Delivered messages per second", "Broker CPU");
    assertThat(page).contains(a.machine().cpuModel()).contains("Ratios");
  }
}
