package dev.mqttls.cli.doctor;

import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.CredentialType;
import dev.mqttls.doctor.ConfigLint;
import dev.mqttls.doctor.Probe;
import dev.mqttls.doctor.ProbeOptions;
import dev.mqttls.doctor.Report;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mqttls doctor}: probes a broker step by step and says why a secure connection fails and
 * what to change, or lints a broker configuration. Exit code 0 when nothing failed, 1 when a check
 * failed, 2 on a usage error.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Explain exactly why a secure MQTT connection fails, and what to change.",
      "Probes URL the way a device connects (TCP, protocol on the port, TLS versions, chain,",
      "verification, client certificate, MQTT CONNECT and a round trip, cost),",
      "or lints a broker configuration with --config.",
      "Exit code: 0 when no check failed (warnings allowed), 1 when one failed, 2 on usage errors."
    },
    footer = {
      "",
      "Examples:",
      "  mqttls doctor mqtts://broker.local:8883 --cafile ca.crt",
      "  mqttls doctor mqtts://10.0.0.5:8883 --cafile ca.crt --servername broker.local --cert dev.crt --key dev.key",
      "  mqttls doctor --config /etc/mosquitto/mosquitto.conf --broker-user mosquitto"
    })
public final class DoctorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "URL",
      description = "mqtts://host:port (TLS, default port 8883) or mqtt://host:port (plain, 1883).")
  String url;

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
      names = "--cafile",
      paramLabel = "FILE",
      description =
          "Trust only the CA certificates in this PEM file (default: the system trust store).")
  Path cafile;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "Client certificate (PEM) to present.")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "Private key (PEM) of the client certificate.")
  Path key;

  @Option(
      names = "--sec-tag",
      paramLabel = "TAG",
      description =
          "Take CA, certificate and key from this tag of the credential store (as a Nordic modem does); --cafile/--cert/--key override.")
  Integer secTag;

  @Option(
      names = "--sec-tag-dir",
      paramLabel = "DIR",
      description = "The credential store (default: $MQTTLS_CREDENTIALS or ~/.mqttls/credentials).")
  Path secTagDir;

  @Option(
      names = "--servername",
      paramLabel = "NAME",
      description =
          "Name to send as SNI and to verify the certificate against (default: the URL's host).")
  String serverName;

  @Option(
      names = "--alpn",
      paramLabel = "PROTOCOL",
      description = "ALPN protocol to offer, e.g. mqtt or x-amzn-mqtt-ca.")
  String alpn;

  @Option(
      names = {"-u", "--username"},
      paramLabel = "USER",
      description = "MQTT user name.")
  String username;

  @Option(
      names = {"-P", "--pw"},
      paramLabel = "PASSWORD",
      arity = "0..1",
      interactive = true,
      description =
          "MQTT password. Without a value: prompt. A value on the command line is visible to other users; prefer the prompt, --pw-file or MQTTLS_PASSWORD.")
  char[] password;

  @Option(
      names = "--pw-file",
      paramLabel = "FILE",
      description = "Read the MQTT password from the first line of this file.")
  Path passwordFile;

  @Option(
      names = {"-V", "--protocol-version"},
      paramLabel = "VERSION",
      description = "mqttv311 (default) or mqttv5.")
  String protocolVersion = "mqttv311";

  @Option(
      names = {"-i", "--id"},
      paramLabel = "ID",
      description = "Client id (default: mqttls-doctor-<random>).")
  String clientId;

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "TOPIC",
      description = "Test topic for the round trip (default: mqttls/doctor/<client id>).")
  String topic;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Timeout of each network step (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 5;

  @Option(
      names = "--clock",
      paramLabel = "INSTANT",
      description =
          "Judge certificate dates as if the clock said INSTANT (e.g. 1970-01-01T00:00:00Z, what a device that booted without time sees).")
  java.time.Instant clock;

  @Option(
      names = "--tls12",
      description =
          "Offer only TLS 1.2 on the main connection, as an mbedTLS 2.x device or an older modem does.")
  boolean tls12;

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
      if (url != null) {
        err.println("mqttls doctor: give either a URL or --config, not both");
        return 2;
      }
      report =
          clock == null
              ? ConfigLint.lint(config, brokerUser)
              : ConfigLint.lint(config, brokerUser, clock);
    } else {
      if (url == null) {
        err.println("mqttls doctor: missing URL (mqtts://host:port) or --config FILE; see --help");
        return 2;
      }
      ProbeOptions options;
      try {
        options = options(err);
      } catch (IllegalArgumentException | IOException e) {
        err.println("mqttls doctor: " + e.getMessage());
        return 2;
      } finally {
        if (password != null) {
          Arrays.fill(password, '\0');
        }
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

  /** Fills the files not given explicitly from the credential store's tag. */
  private void fromSecTag() {
    Path dir = secTagDir;
    if (dir == null) {
      String env = System.getenv("MQTTLS_CREDENTIALS");
      dir =
          env != null
              ? Path.of(env)
              : Path.of(System.getProperty("user.home"), ".mqttls", "credentials");
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--sec-tag: no credential store at " + dir);
    }
    CredentialStore store = CredentialStore.open(dir);
    boolean any = false;
    if (cafile == null && store.contains(secTag, CredentialType.CA_CERTIFICATE)) {
      cafile = store.path(secTag, CredentialType.CA_CERTIFICATE);
      any = true;
    }
    if (cert == null
        && key == null
        && store.contains(secTag, CredentialType.CLIENT_CERTIFICATE)
        && store.contains(secTag, CredentialType.CLIENT_KEY)) {
      cert = store.path(secTag, CredentialType.CLIENT_CERTIFICATE);
      key = store.path(secTag, CredentialType.CLIENT_KEY);
      any = true;
    }
    if (!any) {
      throw new IllegalArgumentException(
          "--sec-tag: tag " + secTag + " holds no credentials in " + dir);
    }
  }

  private ProbeOptions options(PrintWriter err) throws IOException {
    ProbeOptions.Builder b = ProbeOptions.builder(url);
    if (secTag != null) {
      fromSecTag();
    }
    b.caFile(cafile).certFile(cert).keyFile(key).serverName(serverName).alpn(alpn);
    b.username(username).clientId(clientId).topic(topic);
    b.timeout(Duration.ofSeconds(Math.max(1, timeoutSeconds)));
    b.versionProbes(!quick).costProbe(!quick).tls12Only(tls12);
    b.mqttVersion(
        switch (protocolVersion.toLowerCase(Locale.ROOT)) {
          case "mqttv5", "5", "v5" -> ProbeOptions.MqttVersion.V5;
          case "mqttv311", "311", "v311", "4" -> ProbeOptions.MqttVersion.V311;
          default ->
              throw new IllegalArgumentException(
                  "-V: unknown protocol version '" + protocolVersion + "' (mqttv311 or mqttv5)");
        });
    picocli.CommandLine.Model.OptionSpec pwOption =
        spec.commandLine().getParseResult().matchedOption("-P");
    if (pwOption != null && !pwOption.originalStringValues().isEmpty()) {
      err.println(
          "mqttls doctor: warning: a password on the command line is visible to other users;"
              + " prefer -P without a value (prompt), --pw-file or MQTTLS_PASSWORD");
    }
    char[] pw = password;
    if (pw == null && passwordFile != null) {
      String first =
          Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
      pw = first.toCharArray();
    }
    if (pw == null && System.getenv("MQTTLS_PASSWORD") != null) {
      pw = System.getenv("MQTTLS_PASSWORD").toCharArray();
    }
    if (pw != null) {
      b.password(pw);
      if (pw != password) {
        Arrays.fill(pw, '\0');
      }
    }
    return b.build();
  }
}
