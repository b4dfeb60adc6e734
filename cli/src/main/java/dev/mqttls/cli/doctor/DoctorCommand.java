package dev.mqttls.cli.doctor;

import dev.mqttls.cli.client.BrokerTarget;
import dev.mqttls.cli.client.CliFailure;
import dev.mqttls.cli.client.ConnectionOptions;
import dev.mqttls.cli.client.TlsOptions;
import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.CredentialType;
import dev.mqttls.doctor.ConfigLint;
import dev.mqttls.doctor.Probe;
import dev.mqttls.doctor.ProbeOptions;
import dev.mqttls.doctor.Report;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mqttls doctor}: probes a broker step by step and says why a secure connection fails and
 * what to change, or lints a broker configuration. Takes the same connection and TLS options as
 * {@code pub} and {@code sub}. Exit code 0 when nothing failed, 1 when a check failed, 2 on a usage
 * error.
 */
@Command(
    name = "doctor",
    sortOptions = false,
    description = {
      "Explain exactly why a secure MQTT connection fails, and what to change.",
      "Probes the broker the way a device connects (TCP, protocol on the port, TLS versions, chain,",
      "verification, client certificate, MQTT CONNECT and a round trip, cost),",
      "or lints a broker configuration with --config.",
      "Connection and TLS options are those of mqttls pub/sub.",
      "Exit code: 0 when no check failed (warnings allowed), 1 when one failed, 2 on usage errors."
    },
    footer = {
      "",
      "Examples:",
      "  mqttls doctor mqtts://broker.local:8883 --cafile ca.crt",
      "  mqttls doctor -h 10.0.0.5 -p 8883 --cafile ca.crt --servername broker.local --cert dev.crt --key dev.key",
      "  mqttls doctor --config /etc/mosquitto/mosquitto.conf --broker-user mosquitto"
    })
public final class DoctorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--help", usageHelp = true, description = "Show this help.")
  boolean help;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "URL",
      description =
          "mqtts://host:port (TLS, default port 8883) or mqtt://host:port (plain, 1883); or use -h/-p/-L.")
  String url;

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin TlsOptions tls = new TlsOptions();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Lint this broker configuration (mosquitto.conf syntax) instead of probing.")
  Path config;

  @Option(
      names = "--broker-user",
      paramLabel = "USER",
      description =
          "With --config: the user the broker runs as, for file readability (default: the file's 'user' directive).")
  String brokerUser;

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "TOPIC",
      description = "Test topic for the round trip (default: mqttls/doctor/<client id>).")
  String topic;

  @Option(
      names = "--clock",
      paramLabel = "INSTANT",
      description =
          "Judge certificate dates as if the clock said INSTANT (e.g. 1970-01-01T00:00:00Z, what a device that booted without time sees).")
  java.time.Instant clock;

  /**
   * The spelling of --tls-version tlsv1.2 before doctor shared pub/sub's options, kept for scripts.
   */
  @Option(names = "--tls12", hidden = true)
  boolean tls12;

  /** The spelling of --tls-alpn before doctor shared pub/sub's options, kept for scripts. */
  @Option(names = "--alpn", hidden = true, paramLabel = "PROTOCOL")
  String alpn;

  @Option(names = "--quick", description = "Skip the TLS version probes and the cost measurements.")
  boolean quick;

  @Option(names = "--json", description = "Print the findings as one JSON object.")
  boolean json;

  @Option(names = "--no-color", description = "Plain symbols, no colour.")
  boolean noColor;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Report report;
    if (config != null) {
      if (url != null || connection.brokerGiven()) {
        err.println("mqttls doctor: give either a URL or --config, not both");
        return 2;
      }
      report =
          clock == null
              ? ConfigLint.lint(config, brokerUser)
              : ConfigLint.lint(config, brokerUser, clock);
    } else {
      if (url == null && !connection.brokerGiven()) {
        err.println(
            "mqttls doctor: missing the broker (URL, -L URL or -h HOST) or --config FILE; see --help");
        return 2;
      }
      ProbeOptions options;
      try {
        options = options(err);
      } catch (CliFailure e) {
        err.println("mqttls doctor: " + e.getMessage());
        return 2;
      } catch (IllegalArgumentException e) {
        err.println("mqttls doctor: " + e.getMessage());
        return 2;
      }
      report = clock == null ? Probe.run(options) : Probe.run(options, clock);
    }
    if (json) {
      out.println(report.toJson());
    } else {
      new ReportRenderer(out, !noColor && System.console() != null).render(report);
    }
    out.flush();
    return report.passed() ? 0 : 1;
  }

  private ProbeOptions options(PrintWriter err) {
    if (alpn != null) {
      tls.addAlpn(alpn);
    }
    tls.refuseUnsupported("doctor", true);
    BrokerTarget target = BrokerTarget.of(connection, tls, url);
    if (!target.failovers().isEmpty()) {
      throw new CliFailure(2, "doctor checks one broker: give -L once");
    }
    ProbeOptions.Builder b = ProbeOptions.builder(target.url());
    Path cafile = tls.caFile().orElse(null);
    Path cert = tls.certFile().orElse(null);
    Path key = tls.keyFile().orElse(null);
    if (tls.secTag().isPresent()) {
      int tag = tls.secTag().get();
      Path dir = tls.secTagDir();
      if (!Files.isDirectory(dir)) {
        throw new CliFailure(2, "--sec-tag: no credential store at " + dir);
      }
      CredentialStore store = CredentialStore.open(dir);
      boolean any = false;
      if (cafile == null && store.contains(tag, CredentialType.CA_CERTIFICATE)) {
        cafile = store.path(tag, CredentialType.CA_CERTIFICATE);
        any = true;
      }
      if (cert == null
          && key == null
          && store.contains(tag, CredentialType.CLIENT_CERTIFICATE)
          && store.contains(tag, CredentialType.CLIENT_KEY)) {
        cert = store.path(tag, CredentialType.CLIENT_CERTIFICATE);
        key = store.path(tag, CredentialType.CLIENT_KEY);
        any = true;
      }
      if (!any) {
        throw new CliFailure(2, "--sec-tag: tag " + tag + " holds no credentials in " + dir);
      }
    }
    b.caFile(cafile).certFile(cert).keyFile(key).serverName(tls.serverName().orElse(null));
    b.alpn(tls.alpn().isEmpty() ? null : tls.alpn().get(0));
    b.username(target.username().orElse(null)).clientId(target.clientId().orElse(null));
    b.topic(topic != null ? topic : target.urlTopic().orElse(null));
    // doctor gives each network step this long; pub and sub give it to the whole connect
    int secs = target.connectTimeoutSeconds().orElse(5);
    b.timeout(Duration.ofSeconds(Math.max(1, secs)));
    b.versionProbes(!quick).costProbe(!quick).tls12Only(tls12 || tls.tls12Only());
    b.mqttVersion(
        switch (target.version()) {
          case V5 -> ProbeOptions.MqttVersion.V5;
          case V3_1_1 -> ProbeOptions.MqttVersion.V311;
          case V3_1 -> throw new CliFailure(2, "doctor probes with MQTT 5 or 3.1.1, not 3.1");
        });
    Optional<char[]> pw = target.password(err);
    if (pw.isPresent()) {
      b.password(pw.get());
      Arrays.fill(pw.get(), '\0');
    }
    return b.build();
  }
}
