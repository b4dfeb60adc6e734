package dev.mqttls.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.cli.broker.FirstRun;
import dev.mqttls.conf.Catalogue;
import dev.mqttls.conf.DirectiveSpec;
import dev.mqttls.doctor.ConfigLint;
import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.doctor.Report;
import dev.mqttls.doctor.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor's linter and the broker read configuration through the same catalogue; these tests
 * feed the same files to both and check that they agree, and that our own first run's file lints
 * clean.
 */
class LintAgreesWithBrokerTest {
  /** Every directive named in mosquitto.conf(5) of mosquitto 2.0, plus names no broker knows. */
  private static final List<String> MOSQUITTO_AND_BOGUS_NAMES =
      List.of(
          "acl_file",
          "address",
          "allow_anonymous",
          "allow_duplicate_messages",
          "allow_zero_length_clientid",
          "auth_plugin",
          "auth_plugin_deny_special_chars",
          "auto_id_prefix",
          "autosave_interval",
          "autosave_on_changes",
          "bind_address",
          "bind_interface",
          "bridge_alpn",
          "bridge_attempt_unsubscribe",
          "bridge_bind_address",
          "bridge_cafile",
          "bridge_capath",
          "bridge_certfile",
          "bridge_identity",
          "bridge_insecure",
          "bridge_keyfile",
          "bridge_max_packet_size",
          "bridge_outgoing_retain",
          "bridge_protocol_version",
          "bridge_psk",
          "bridge_require_ocsp",
          "bridge_tls_version",
          "cafile",
          "capath",
          "certfile",
          "check_retain_source",
          "ciphers",
          "cleansession",
          "clientid_prefixes",
          "connection",
          "connection_messages",
          "crlfile",
          "dhparamfile",
          "http_dir",
          "idle_timeout",
          "include_dir",
          "keepalive_interval",
          "keyfile",
          "listener",
          "local_cleansession",
          "local_clientid",
          "local_password",
          "local_username",
          "log_dest",
          "log_facility",
          "log_timestamp",
          "log_timestamp_format",
          "log_type",
          "max_connections",
          "max_inflight_bytes",
          "max_inflight_messages",
          "max_keepalive",
          "max_packet_size",
          "max_qos",
          "max_queued_bytes",
          "max_queued_messages",
          "max_topic_alias",
          "memory_limit",
          "message_size_limit",
          "mount_point",
          "notification_topic",
          "notifications",
          "notifications_local_only",
          "password_file",
          "per_listener_settings",
          "persistence",
          "persistence_file",
          "persistence_location",
          "persistent_client_expiration",
          "pid_file",
          "port",
          "protocol",
          "psk_file",
          "psk_hint",
          "queue_qos0_messages",
          "remote_clientid",
          "remote_password",
          "remote_username",
          "require_certificate",
          "restart_timeout",
          "retain_available",
          "round_robin",
          "set_tcp_nodelay",
          "socket_domain",
          "start_type",
          "sys_interval",
          "threshold",
          "tls_engine",
          "tls_engine_kpass_sha1",
          "tls_keyform",
          "tls_version",
          "topic",
          "try_private",
          "upgrade_outgoing_qos",
          "use_identity_as_username",
          "use_subject_as_username",
          "use_username_as_clientid",
          "user",
          "websockets_headers_size",
          "websockets_log_level",
          // never directives anywhere
          "bogus",
          "CAFILE",
          "plugin_opt_",
          "listener_port");

  @TempDir Path dir;

  private enum Verdict {
    KNOWN,
    NOT_YET,
    UNKNOWN
  }

  @Test
  void linterKnowsEveryDirectiveTheBrokerAccepts_andNoOther() throws IOException {
    Files.writeString(dir.resolve("passwd"), "");
    Files.writeString(dir.resolve("acl"), "");
    Files.createDirectories(dir.resolve("conf.d"));
    Map<String, String> lines = new LinkedHashMap<>();
    for (DirectiveSpec s : Catalogue.all()) {
      String name = s.name().replace("*", "key");
      lines.put(name, name + " " + s.example());
    }
    for (String name : MOSQUITTO_AND_BOGUS_NAMES) {
      lines.putIfAbsent(name, name + " 1");
    }
    TreeSet<String> brokerAccepts = new TreeSet<>();
    TreeSet<String> linterKnows = new TreeSet<>();
    List<String> disagreements = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, String> e : lines.entrySet()) {
      String name = e.getKey();
      Path conf = dir.resolve("c" + n++ + ".conf");
      Files.writeString(conf, "# one directive\n" + e.getValue() + "\n");
      Verdict broker = brokerVerdict(conf, name);
      Report lint = ConfigLint.lint(conf, "root");
      Verdict linter =
          lint.has(FindingCode.CONFIG_DIRECTIVE_UNKNOWN)
              ? Verdict.UNKNOWN
              : lint.has(FindingCode.CONFIG_DIRECTIVE_UNSUPPORTED)
                  ? Verdict.NOT_YET
                  : Verdict.KNOWN;
      if (broker != linter) {
        disagreements.add(name + ": broker " + broker + ", linter " + linter);
      }
      if (broker == Verdict.KNOWN) {
        brokerAccepts.add(name);
        // The catalogue's example is a value the broker takes, and so does the linter.
        assertThat(lint.has(FindingCode.CONFIG_DIRECTIVE_INVALID)).as(lint.toJson()).isFalse();
      }
      if (linter == Verdict.KNOWN) {
        linterKnows.add(name);
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(linterKnows).isEqualTo(brokerAccepts);
    TreeSet<String> fromCatalogue = new TreeSet<>();
    Catalogue.all().stream()
        .filter(DirectiveSpec::accepted)
        .forEach(s -> fromCatalogue.add(s.name()));
    assertThat(brokerAccepts).isEqualTo(fromCatalogue).contains("listener", "cafile", "user");
  }

  @Test
  void linterRefusesEveryValueTheBrokerRefuses_inTheSameWords() throws Exception {
    List<String> refused =
        List.of(
            "listener",
            "listener 70000",
            "listener abc",
            "listener 1883 /tmp/sock",
            "allow_anonymous maybe",
            "max_inflight_messages -1",
            "max_queued_messages 0",
            "max_packet_size 10",
            "max_keepalive 70000",
            "max_keepalive 60 70",
            "max_connections 010",
            "persistent_client_expiration 5x",
            "log_type chatter",
            "log_dest syslog",
            "log_dest file",
            "retain_available",
            "per_listener_settings true",
            "persistence maybe",
            "persistence_file a/b",
            "autosave_interval soon",
            "user",
            "memory_limit 10",
            "bogus 1",
            "require_certificate yes",
            "tls_version tlsv9",
            "tls_max_record_size 100",
            "crl_expired ignore",
            "tls_handshake_timeout soon");
    List<String> differences = new ArrayList<>();
    int n = 0;
    for (String line : refused) {
      Path conf = dir.resolve("v" + n++ + ".conf");
      Files.writeString(conf, "# one line\n" + line + "\n");
      String brokerSays;
      try {
        BrokerConfig.parse(conf);
        differences.add(line + ": the broker took it");
        continue;
      } catch (ConfigException e) {
        brokerSays = e.getMessage();
      }
      Report lint = ConfigLint.lint(conf, "root");
      // The linter says what the broker says, then what it means for the broker.
      boolean same =
          lint.failures().stream().anyMatch(f -> f.message().startsWith(brokerSays + "; "));
      if (!same) {
        differences.add(line + ": broker '" + brokerSays + "', linter " + lint.toJson());
      }
    }
    assertThat(differences).isEmpty();
    // And what the broker takes, the linter takes.
    Path ok = dir.resolve("ok.conf");
    Files.writeString(ok, "allow_anonymous 1\nlog_dest file my logs/a b.log\nlistener 1883 ::1\n");
    BrokerConfig.parse(ok);
    assertThat(ConfigLint.lint(ok, "root").failures()).isEmpty();
  }

  /** Whether the broker starts with the line, refuses its name, or refuses it as not yet there. */
  private static Verdict brokerVerdict(Path conf, String name) {
    try {
      BrokerConfig.parse(conf);
      return Verdict.KNOWN;
    } catch (ConfigException e) {
      String m = e.getMessage();
      if (m.contains(":2: " + name + ": unknown directive")) {
        return Verdict.UNKNOWN;
      }
      if (m.contains(":2: " + name + ": not yet supported")) {
        return Verdict.NOT_YET;
      }
      // Refused for how it fits with the rest (e.g. cafile without certfile): the name is known.
      return Verdict.KNOWN;
    }
  }

  @Test
  void firstRunsGeneratedConfiguration_lintsClean_andTheBrokerReadsIt() throws Exception {
    Path data = dir.resolve("mqttls-data");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Optional<Path> conf;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      conf = FirstRun.prepare(data, out);
    }
    assertThat(conf).isPresent();
    // As `mqttls doctor --config mqttls-data/mqttls.conf` runs it: no --broker-user.
    Report r = ConfigLint.lint(conf.get(), null);
    assertThat(r.findings())
        .as(r.toJson())
        .extracting(Finding::status)
        .doesNotContain(Status.FAIL, Status.WARN);
    assertThat(r.has(FindingCode.CONFIG_LISTENER_OK)).as(r.toJson()).isTrue();
    assertThat(BrokerConfig.parse(conf.get()).listeners()).hasSize(2);
  }
}
