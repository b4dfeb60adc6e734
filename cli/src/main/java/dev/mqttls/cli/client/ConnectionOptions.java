package dev.mqttls.cli.client;

import picocli.CommandLine.Option;

/**
 * The broker and session options every client command takes, spelled as mosquitto_pub/sub spell
 * them.
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
      description = "Broker as mqtt[s]://[user@]host[:port][/topic]; mqtts:// turns TLS on.")
  String url;

  @Option(
      names = {"-i", "--id"},
      paramLabel = "ID",
      description = "Client id (default: assigned by the broker, or generated for MQTT 3.1.1).")
  String clientId;

  @Option(
      names = {"-u", "--username"},
      paramLabel = "USER",
      description =
          "User name. The password comes from MQTTLS_PASSWORD, or a prompt on a terminal.")
  String username;

  @Option(
      names = {"-P", "--pw"},
      paramLabel = "PASSWORD",
      description = "Password (discouraged: visible to other users in the process list).")
  String password;

  @Option(
      names = {"-k", "--keepalive"},
      paramLabel = "SECS",
      description = "Keep-alive in seconds (default: 60).")
  int keepAlive = 60;

  @Option(
      names = {"-c", "--disable-clean-session"},
      description = "Resume the broker's stored session for this client id (needs -i with 3.1.1).")
  boolean noClean;

  @Option(
      names = {"-x", "--session-expiry-interval"},
      paramLabel = "SECS",
      description = "MQTT 5 session expiry interval (default: 0, or 'forever' with -c).")
  Long sessionExpiry;

  @Option(
      names = {"-V", "--protocol-version"},
      paramLabel = "VERSION",
      description = "mqttv5 (default) or mqttv311.")
  String protocolVersion = "mqttv5";

  @Option(
      names = {"--connect-timeout"},
      paramLabel = "SECS",
      description = "Seconds for TCP, TLS and CONNACK together (default: 10).")
  int connectTimeout = 10;

  @Option(
      names = {"-d", "--debug"},
      description = "Log the client's work to stderr.")
  boolean debug;
}
