package dev.mqttls.cli.client;

import dev.mqttls.codec.MqttVersion;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where to connect and as whom, resolved from {@link ConnectionOptions} and {@link TlsOptions}
 * (-h/-p, or a URL from -L or the command's argument): the one reading of those options that every
 * command uses, including {@code doctor}. Holds the password, so it has no {@code toString}.
 */
public final class BrokerTarget {
  private final boolean tls;
  private final String host;
  private final Integer port;
  private final String username;
  private final String urlPassword;
  private final String clientId;
  private final MqttVersion version;
  private final String urlTopic;
  private final ConnectionOptions options;
  private final List<Failover> failovers;

  /** A failover broker of a repeated -L: host and port only, all else is the first URL's. */
  record Failover(String host, int port) {}

  private BrokerTarget(ConnectionOptions c, TlsOptions t, String argumentUrl) {
    this.options = c;
    String u = c.urls.isEmpty() ? null : c.urls.get(0);
    if (argumentUrl != null) {
      if (u != null) {
        throw new CliFailure(ExitCodes.USAGE, "give the broker URL once: as argument or with -L");
      }
      u = argumentUrl;
    }
    String h = c.host;
    Integer p = c.port;
    String user = c.username;
    String pw = null;
    String topic = null;
    boolean useTls = t.anySet();
    if (u != null) {
      if (c.host != null) {
        throw new CliFailure(ExitCodes.USAGE, "give the broker with either a URL or -h, not both");
      }
      MqttUrl url = MqttUrl.parse(u);
      h = url.host();
      if (p == null) {
        p = url.port().orElse(null);
      }
      if (user == null) {
        user = url.username().orElse(null);
      }
      pw = url.password().orElse(null);
      if (useTls && !url.tls()) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "TLS options were given but the URL says mqtt:// (plain TCP); use mqtts://");
      }
      useTls = url.tls();
      topic = url.topic().orElse(null);
    }
    this.tls = useTls;
    this.failovers = failovers(c.urls, useTls, user, pw, topic);
    this.host = h == null ? "localhost" : h;
    this.port = p;
    this.username = user;
    this.urlPassword = pw;
    this.clientId = c.requestedClientId();
    this.version = ClientSetup.version(c.protocolVersion);
    this.urlTopic = topic;
  }

  /**
   * The URLs after the first: the same scheme (one TLS configuration serves all), and no user,
   * password or topic of their own (the client library logs in to every broker with the same
   * credentials); repeating the first URL's is allowed, so a list of full URLs works.
   */
  private static List<Failover> failovers(
      List<String> urls, boolean tls, String user, String password, String topic) {
    List<Failover> out = new ArrayList<>();
    for (String text : urls.subList(Math.min(1, urls.size()), urls.size())) {
      MqttUrl url = MqttUrl.parse(text);
      if (url.tls() != tls) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "-L "
                + url.host()
                + ": every failover URL needs the first one's scheme ("
                + (tls ? "mqtts://" : "mqtt://")
                + "): one TLS setting serves all brokers");
      }
      if (!sameIfGiven(url.username(), user)
          || !sameIfGiven(url.password(), password)
          || !sameIfGiven(url.topic(), topic)) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "-L "
                + url.host()
                + ": a failover URL cannot change the user, password or topic;"
                + " give them in the first URL (or with -u and -t)");
      }
      out.add(new Failover(url.host(), url.port().orElse(tls ? 8883 : 1883)));
    }
    return List.copyOf(out);
  }

  private static boolean sameIfGiven(Optional<String> inUrl, String first) {
    return inUrl.isEmpty() || inUrl.get().equals(first);
  }

  /** The target of the options; {@code argumentUrl} is a URL given as argument, or null. */
  public static BrokerTarget of(ConnectionOptions c, TlsOptions t, String argumentUrl) {
    return new BrokerTarget(c, t, argumentUrl);
  }

  /** Whether to use TLS (TLS options, or an mqtts:// URL). */
  public boolean tls() {
    return tls;
  }

  /** The broker's host name or address. */
  public String host() {
    return host;
  }

  /** The port given, if any (else the protocol's default). */
  public Optional<Integer> port() {
    return Optional.ofNullable(port);
  }

  /** The port given, or 8883 with TLS and 1883 without. */
  public int portOrDefault() {
    return port != null ? port : (tls ? 8883 : 1883);
  }

  /** The URL of this target, {@code mqtt[s]://host:port}. */
  public String url() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (tls ? "mqtts://" : "mqtt://") + h + ":" + portOrDefault();
  }

  /** The brokers of the second and later -L, tried after this one (failover). */
  public List<Failover> failovers() {
    return failovers;
  }

  /** The user name, from -u or the URL. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** The client id of -i or -I. */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /** The protocol version of -V. */
  public MqttVersion version() {
    return version;
  }

  /** The topic in the URL's path. */
  public Optional<String> urlTopic() {
    return Optional.ofNullable(urlTopic);
  }

  /** --connect-timeout in seconds, if given. */
  public Optional<Integer> connectTimeoutSeconds() {
    return Optional.ofNullable(options.connectTimeout);
  }

  /** Whether -d was given. */
  public boolean debug() {
    return options.debug;
  }

  /**
   * The password (see {@link ClientSetup#password}), warning on {@code err} when it was visible on
   * the command line; empty when none. The caller clears the array after use.
   */
  public Optional<char[]> password(PrintWriter err) {
    byte[] b = ClientSetup.password(options, urlPassword, username, err);
    if (b == null) {
      return Optional.empty();
    }
    char[] chars =
        java.nio.charset.StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(b)).array();
    Arrays.fill(b, (byte) 0);
    return Optional.of(chars);
  }

  byte[] passwordBytes(PrintWriter err) {
    return ClientSetup.password(options, urlPassword, username, err);
  }
}
