package dev.mqttls.cli.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the broker is and who we are to it: the options {@code pub}, {@code sub}, {@code shell} and
 * {@code doctor} share, spelled as mosquitto_pub/sub spell them. Session and transport options that
 * only a client session uses are in {@link SessionOptions}; TLS is in {@link TlsOptions}.
 */
public final class ConnectionOptions {
  @Option(
      names = {"-h", "--host"},
      paramLabel = "HOST",
      description = "Broker host (default: localhost).")
  String host;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "Broker port (default: 1883, or 8883 with TLS).")
  Integer port;

  @Option(
      names = {"-L", "--url"},
      paramLabel = "URL",
      description =
          "Broker as mqtt[s]://[user[:password]@]host[:port][/topic]; mqtts:// turns TLS on."
              + " Repeat for failover brokers, tried in order (then in turn on reconnect):"
              + " all mqtt:// or all mqtts://; user, password and topic come from the first.")
  List<String> urls = new ArrayList<>();

  @Option(
      names = {"-i", "--id"},
      paramLabel = "ID",
      description = "Client id (default: assigned by the broker, or generated for MQTT 3.1.1).")
  String clientId;

  @Option(
      names = {"-I", "--id-prefix"},
      paramLabel = "PREFIX",
      description = "Client id made of PREFIX and the process id (not with -i).")
  String clientIdPrefix;

  @Option(
      names = {"-u", "--username"},
      paramLabel = "USER",
      description =
          "User name. The password comes from -P, --pw-file, MQTTLS_PASSWORD, or a prompt on a terminal.")
  String username;

  @Option(
      names = {"-P", "--pw"},
      paramLabel = "PASSWORD",
      description = "Password (discouraged: visible to other users in the process list).")
  String password;

  @Option(
      names = "--pw-file",
      paramLabel = "FILE",
      description = "Read the password from the first line of FILE.")
  Path passwordFile;

  @Option(
      names = {"-V", "--protocol-version"},
      paramLabel = "VERSION",
      description = "mqttv5 (default), mqttv311 or mqttv31 (also 5, 311, 31).")
  String protocolVersion = "mqttv5";

  @Option(
      names = {"--connect-timeout"},
      paramLabel = "SECS",
      description =
          "Seconds for TCP, TLS and CONNACK together (default: 10); doctor: for each step (default: 5).")
  Integer connectTimeout;

  @Option(
      names = {"-d", "--debug"},
      description =
          "Print each MQTT packet sent and received to stderr, as mosquitto_pub/sub -d (no payloads).")
  boolean debug;

  /** Whether the broker was given with -h or -L. */
  /** Whether -d (debug) was given. */
  public boolean debug() {
    return debug;
  }

  public boolean brokerGiven() {
    return host != null || !urls.isEmpty();
  }

  /** The client id -i or -I asks for, or null for the default. */
  String requestedClientId() {
    if (clientId != null && clientIdPrefix != null) {
      throw new CliFailure(ExitCodes.USAGE, "give either -i or -I (id prefix), not both");
    }
    return clientIdPrefix != null ? clientIdPrefix + ProcessHandle.current().pid() : clientId;
  }
}
