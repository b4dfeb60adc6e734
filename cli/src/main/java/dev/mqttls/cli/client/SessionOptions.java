package dev.mqttls.cli.client;

import picocli.CommandLine.Option;

/**
 * The session and transport options of the commands that hold an MQTT session ({@code pub}, {@code
 * sub}, {@code shell}): keep-alive, session resumption, the will, flow control, and how the
 * connection is made (Unix socket, SOCKS5 proxy), spelled as mosquitto_pub/sub spell them.
 */
public final class SessionOptions {
  @Option(
      names = {"-k", "--keepalive"},
      paramLabel = "SECS",
      description = "Keep-alive in seconds (default: 60).")
  int keepAlive = 60;

  @Option(
      names = {"-c", "--disable-clean-session"},
      description = "Resume the broker's stored session for this client id (needs -i or -I).")
  boolean noClean;

  @Option(
      names = {"-x", "--session-expiry-interval"},
      paramLabel = "SECS",
      description =
          "MQTT 5 session expiry interval: 0..4294967295, or -1 for never (default: 0, or never with -c).")
  Long sessionExpiry;

  @Option(
      names = {"-M", "--max-inflight"},
      paramLabel = "N",
      description = "At most N QoS 1 and 2 messages in flight (default: 20).")
  Integer maxInflight;

  @Option(
      names = "--will-topic",
      paramLabel = "TOPIC",
      description = "Topic of the will the broker publishes if we vanish without DISCONNECT.")
  String willTopic;

  @Option(
      names = "--will-payload",
      paramLabel = "TEXT",
      description = "Payload of the will (default: empty).")
  String willPayload;

  @Option(
      names = "--will-qos",
      paramLabel = "QOS",
      description = "QoS of the will: 0, 1 or 2 (default: 0).")
  Integer willQos;

  @Option(names = "--will-retain", description = "The broker retains the will.")
  boolean willRetain;

  @Option(
      names = "--unix",
      paramLabel = "SOCKET",
      description = "Connect through this Unix domain socket instead of TCP (not with -h or -L).")
  java.nio.file.Path unixSocket;

  @Option(
      names = "--proxy",
      paramLabel = "URL",
      description =
          "Connect through a SOCKS5 proxy: socks5h://[user[:password]@]host[:port] (1080).")
  String proxy;

  @Option(
      names = {"-A", "--local-address"},
      paramLabel = "ADDRESS",
      description = "Connect from this local address (one of this machine's), as mosquitto_pub -A.")
  String localAddress;

  @Option(
      names = "--nodelay",
      description =
          "Send small packets at once (TCP_NODELAY). mqttls always does; accepted for mosquitto's scripts.")
  boolean noDelay;
}
