package dev.mqttls.cli.client;

import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.Socks5Proxy;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import dev.mqttls.tls.PemReader;
import dev.mqttls.tls.TlsMaterialException;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns the shared options into a client configuration: where the broker is, TLS, credentials and
 * MQTT 5 CONNECT properties. Secrets come from the environment or a prompt; a password on the
 * command line works but draws a warning.
 */
public final class ClientSetup {
  /** Where environment variables are read; tests replace it. */
  static Function<String, String> environment = System::getenv;

  /** The environment variable holding the MQTT password. */
  static final String PASSWORD_ENV = "MQTTLS_PASSWORD";

  /** The environment variable holding the client key's (or PKCS#12 file's) password. */
  static final String KEY_PASSWORD_ENV = "MQTTLS_KEY_PASSWORD";

  private ClientSetup() {}

  /** The configuration and the topic a URL may carry. */
  public record Setup(MqttClientConfig.Builder builder, Optional<String> urlTopic) {
    /** The configuration; what the library finds inconsistent is a usage error. */
    public MqttClientConfig config() {
      try {
        return builder.build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new CliFailure(ExitCodes.USAGE, e.getMessage());
      }
    }
  }

  public static Setup build(
      ConnectionOptions c,
      SessionOptions s,
      TlsOptions t,
      List<PropertyOptions.Property> props,
      PrintWriter err) {
    BrokerTarget target = BrokerTarget.of(c, t, null);
    MqttVersion version = target.version();
    MqttClientConfig.Builder b;
    try {
      b = MqttClientConfig.builder(target.host());
      target.port().ifPresent(b::port);
      for (BrokerTarget.Failover f : target.failovers()) {
        b.failoverServer(f.host(), f.port());
      }
      b.version(version);
      b.keepAliveSeconds(s.keepAlive);
      if (c.connectTimeout != null) {
        b.connectTimeout(Duration.ofSeconds(Math.max(1, c.connectTimeout)));
      }
      if (s.maxInflight != null) {
        b.maxInflight(s.maxInflight);
      }
      String requested = target.clientId().orElse(null);
      String id = requested;
      if (id == null && version != MqttVersion.V5) {
        // 3.1.1 brokers may refuse an empty id; mosquitto_pub makes one up the same way
        id = "mqttls-" + ProcessHandle.current().pid();
      }
      if (id != null) {
        b.clientId(id);
      }
      if (s.noClean) {
        if (requested == null) {
          throw new CliFailure(
              ExitCodes.USAGE, "-c (resume the session) needs a client id (-i or -I)");
        }
        b.cleanStart(false);
        if (version == MqttVersion.V5) {
          b.sessionExpirySeconds(s.sessionExpiry != null ? expiry(s.sessionExpiry) : 0xFFFF_FFFFL);
        }
      } else if (s.sessionExpiry != null) {
        b.sessionExpirySeconds(expiry(s.sessionExpiry));
      }
      target.username().ifPresent(b::username);
      byte[] password = target.passwordBytes(err);
      if (password != null) {
        b.password(password);
        Arrays.fill(password, (byte) 0);
      }
      will(s, props, version).ifPresent(b::will);
      for (PropertyOptions.Property p : props) {
        if (p.command().equals("will") && p.name().equals("will-delay-interval")) {
          b.willDelaySeconds(PropertyOptions.unsigned(p, 0xFFFF_FFFFL));
        }
      }
      transport(b, c, s, err);
      if (c.debug) {
        b.packetTrace(new PacketTraceWriter(err, requested != null ? requested : id));
      }
      for (PropertyOptions.Property p : props) {
        if (p.command().equals("connect")) {
          connectProperty(b, p, version);
        }
      }
      if (target.tls()) {
        b.tls(tlsConfig(t, err));
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage());
    }
    return new Setup(b, target.urlTopic());
  }

  /** The address of -A: a literal address, or a name this machine resolves. */
  private static java.net.InetAddress localAddress(String text) {
    try {
      return java.net.InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new CliFailure(
          ExitCodes.USAGE, "-A " + text + ": not an address, nor a host name this machine knows");
    }
  }

  /** --unix, --proxy, -A and --nodelay. */
  private static void transport(
      MqttClientConfig.Builder b, ConnectionOptions c, SessionOptions s, PrintWriter err) {
    if (s.unixSocket != null) {
      if (c.brokerGiven() || c.port != null) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "--unix replaces -h, -p and -L: give the socket or the host, not both");
      }
      b.unixSocket(s.unixSocket);
    }
    if (s.localAddress != null) {
      if (s.unixSocket != null) {
        throw new CliFailure(ExitCodes.USAGE, "-A (local address) and --unix do not go together");
      }
      b.localAddress(localAddress(s.localAddress));
    }
    if (s.proxy != null) {
      if (s.unixSocket != null) {
        throw new CliFailure(ExitCodes.USAGE, "--proxy and --unix do not go together");
      }
      b.socks5Proxy(socks5(s.proxy, err));
    }
    // TCP_NODELAY is always on; --nodelay only keeps mosquitto's scripts working
    b.tcpNoDelay(true);
  }

  /** A --proxy URL: socks5h://[user[:password]@]host[:port], port 1080 by default. */
  static Socks5Proxy socks5(String text, PrintWriter err) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new CliFailure(
          ExitCodes.USAGE, "--proxy '" + text + "' is not a URL: " + e.getReason());
    }
    if (!"socks5h".equalsIgnoreCase(uri.getScheme())) {
      throw new CliFailure(
          ExitCodes.USAGE, "--proxy must be socks5h://[user[:password]@]host[:port], was " + text);
    }
    if (uri.getHost() == null) {
      throw new CliFailure(ExitCodes.USAGE, "--proxy '" + text + "' has no host");
    }
    Socks5Proxy proxy = Socks5Proxy.of(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 1080);
    if (uri.getUserInfo() != null) {
      String info = uri.getUserInfo();
      int colon = info.indexOf(':');
      String user = colon >= 0 ? info.substring(0, colon) : info;
      char[] pw = colon >= 0 ? info.substring(colon + 1).toCharArray() : new char[0];
      if (colon >= 0) {
        err.println(
            "Warning: the proxy password on the command line is visible to other users (ps)");
        err.flush();
      }
      proxy = proxy.withCredentials(user, pw);
    }
    return proxy;
  }

  /** -x as mosquitto takes it: -1 means never. */
  private static long expiry(long seconds) {
    return seconds == -1 ? 0xFFFF_FFFFL : seconds;
  }

  private static void connectProperty(
      MqttClientConfig.Builder b, PropertyOptions.Property p, MqttVersion version) {
    if (version != MqttVersion.V5) {
      throw new CliFailure(ExitCodes.USAGE, "-D properties need MQTT 5 (-V mqttv5)");
    }
    switch (p.name()) {
      case "user-property":
        b.connectUserProperty(p.key(), p.value());
        break;
      case "session-expiry-interval":
        b.sessionExpirySeconds(PropertyOptions.unsigned(p, 0xFFFF_FFFFL));
        break;
      case "receive-maximum":
        b.receiveMaximum((int) PropertyOptions.unsigned(p, 1, 65_535));
        break;
      case "maximum-packet-size":
        b.maximumPacketSize(PropertyOptions.unsigned(p, 1, 0xFFFF_FFFFL));
        break;
      case "request-problem-information":
        b.requestProblemInformation(PropertyOptions.unsigned(p, 1) == 1);
        break;
      case "request-response-information":
        b.requestResponseInformation(PropertyOptions.unsigned(p, 1) == 1);
        break;
      case "topic-alias-maximum":
        if (PropertyOptions.unsigned(p, 65_535) != 0) {
          throw new CliFailure(
              ExitCodes.USAGE,
              "-D connect topic-alias-maximum: mqttls takes no topic aliases from the broker;"
                  + " only 0 (the default) is possible");
        }
        break;
      case "authentication-method":
      case "authentication-data":
        throw new CliFailure(
            ExitCodes.USAGE,
            "-D connect "
                + p.name()
                + ": MQTT 5 enhanced authentication (the AUTH exchange) is not supported;"
                + " use -u with a password, or a client certificate");
      default:
        throw new CliFailure(
            ExitCodes.USAGE,
            "-D connect "
                + p.name()
                + ": supported are maximum-packet-size, receive-maximum,"
                + " request-problem-information, request-response-information,"
                + " session-expiry-interval, topic-alias-maximum (0) and user-property");
    }
  }

  /** The will of --will-topic and friends, with the -D will properties. */
  private static Optional<Message> will(
      SessionOptions s, List<PropertyOptions.Property> props, MqttVersion version) {
    boolean willProps = props.stream().anyMatch(p -> p.command().equals("will"));
    if (s.willTopic == null) {
      if (s.willPayload != null || s.willQos != null || s.willRetain || willProps) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "--will-payload, --will-qos, --will-retain and -D will need --will-topic");
      }
      return Optional.empty();
    }
    Message.Builder w = Message.builder(s.willTopic);
    if (s.willPayload != null) {
      w.payload(s.willPayload);
    }
    if (s.willQos != null) {
      w.qos(qosOf("--will-qos", s.willQos));
    }
    w.retain(s.willRetain);
    w.properties(messageProperties("will", props, version));
    return Optional.of(w.build());
  }

  /** The MQTT 5 properties of a PUBLISH from {@code -D publish ...}. */
  static MessageProperties publishProperties(List<PropertyOptions.Property> props, MqttVersion v) {
    return messageProperties("publish", props, v);
  }

  /** The MQTT 5 message properties of {@code -D COMMAND ...} (publish or will). */
  static MessageProperties messageProperties(
      String command, List<PropertyOptions.Property> props, MqttVersion v) {
    MessageProperties.Builder b = MessageProperties.builder();
    for (PropertyOptions.Property p : props) {
      if (!p.command().equals(command)
          || (command.equals("will") && p.name().equals("will-delay-interval"))) {
        continue;
      }
      if (v != MqttVersion.V5) {
        throw new CliFailure(ExitCodes.USAGE, "-D properties need MQTT 5 (-V mqttv5)");
      }
      try {
        switch (p.name()) {
          case "user-property":
            b.userProperty(p.key(), p.value());
            break;
          case "content-type":
            b.contentType(p.value());
            break;
          case "response-topic":
            b.responseTopic(p.value());
            break;
          case "correlation-data":
            b.correlationData(p.value().getBytes(StandardCharsets.UTF_8));
            break;
          case "message-expiry-interval":
            b.messageExpirySeconds(PropertyOptions.unsigned(p, 0xFFFF_FFFFL));
            break;
          case "payload-format-indicator":
            b.payloadUtf8(PropertyOptions.unsigned(p, 1) == 1);
            break;
          default:
            throw new CliFailure(
                ExitCodes.USAGE,
                "-D "
                    + command
                    + " "
                    + p.name()
                    + ": supported are content-type, correlation-data, message-expiry-interval,"
                    + " payload-format-indicator, response-topic, user-property"
                    + (command.equals("will") ? ", will-delay-interval" : ""));
        }
      } catch (IllegalArgumentException e) {
        throw new CliFailure(
            ExitCodes.USAGE, "-D " + command + " " + p.name() + ": " + e.getMessage());
      }
    }
    return b.build();
  }

  static MqttVersion version(String v) {
    switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "mqttv5":
      case "5":
        return MqttVersion.V5;
      case "mqttv311":
      case "311":
      case "3.1.1":
        return MqttVersion.V3_1_1;
      case "mqttv31":
      case "31":
      case "3.1":
        return MqttVersion.V3_1;
      default:
        throw new CliFailure(
            ExitCodes.USAGE, "-V must be mqttv5, mqttv311 or mqttv31 (or 5, 311, 31), was " + v);
    }
  }

  /** The QoS of a -q flag. */
  static Qos qos(int q) {
    return qosOf("-q", q);
  }

  static Qos qosOf(String flag, int q) {
    try {
      return Qos.of(q);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, flag + " must be 0, 1 or 2, was " + q);
    }
  }

  /**
   * The password from, in this order: -P, the URL (both with a warning, once), --pw-file, {@value
   * #PASSWORD_ENV}, or a prompt when a user name is given on a terminal; null for none.
   */
  static byte[] password(
      ConnectionOptions c, String urlPassword, String username, PrintWriter err) {
    String visible = c.password != null ? c.password : urlPassword;
    if (visible != null) {
      err.println(
          "Warning: a password on the command line"
              + (c.password != null ? "" : " (in the URL)")
              + " is visible to other users (ps); use --pw-file, "
              + PASSWORD_ENV
              + " or the prompt");
      err.flush();
      return visible.getBytes(StandardCharsets.UTF_8);
    }
    if (c.passwordFile != null) {
      List<String> lines = InputFiles.readAllLines("--pw-file", c.passwordFile);
      return (lines.isEmpty() ? "" : lines.get(0)).getBytes(StandardCharsets.UTF_8);
    }
    String env = environment.apply(PASSWORD_ENV);
    if (env != null) {
      return env.getBytes(StandardCharsets.UTF_8);
    }
    if (username != null) {
      Console console = System.console();
      if (console != null) {
        char[] pw = console.readPassword("Password for %s: ", username);
        if (pw != null && pw.length > 0) {
          byte[] bytes = new String(pw).getBytes(StandardCharsets.UTF_8);
          Arrays.fill(pw, '\0');
          return bytes;
        }
      }
    }
    return null;
  }

  private static char[] keyPassword(Path file, boolean always) {
    String env = environment.apply(KEY_PASSWORD_ENV);
    if (env != null) {
      return env.toCharArray();
    }
    boolean encrypted = always;
    if (!encrypted) {
      try {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        encrypted = text.contains("ENCRYPTED");
      } catch (IOException e) {
        return null; // the loader names the unreadable file
      }
    }
    if (!encrypted) {
      return null;
    }
    Console console = System.console();
    if (console == null) {
      if (always) {
        return new char[0];
      }
      throw new CliFailure(
          ExitCodes.USAGE,
          file + ": the key is encrypted; give its password in " + KEY_PASSWORD_ENV);
    }
    return console.readPassword("Password for %s: ", file);
  }

  /**
   * {@code file} after checking that it holds certificates, so that a wrong file is named by its
   * flag and what it should hold, before any connection (the library only knows the path).
   */
  private static Path certificates(String flag, Path file, String whatToGive) {
    InputFiles.readableFile(flag, file);
    try {
      PemReader.readCertificates(file);
    } catch (TlsMaterialException e) {
      throw new CliFailure(ExitCodes.USAGE, flag + " " + e.getMessage() + "; " + whatToGive);
    }
    return file;
  }

  private static TlsConfig tlsConfig(TlsOptions t, PrintWriter err) {
    TlsConfig.Builder b = TlsConfig.builder();
    if (t.secTag != null) {
      Path dir = t.secTagDir();
      b.secTag(CredentialStore.open(dir), t.secTag);
      Path keyFile =
          CredentialStore.open(dir).path(t.secTag, dev.mqttls.client.CredentialType.CLIENT_KEY);
      if (Files.isRegularFile(keyFile)) {
        char[] pw = keyPassword(keyFile, false);
        if (pw != null) {
          b.keyPassword(pw);
        }
      }
    }
    if (t.caFile != null) {
      b.caFile(
          certificates(
              "--cafile",
              t.caFile,
              "give the CA certificate(s) the broker's certificate chains to, in PEM"));
    }
    if (t.caPath != null) {
      b.caPath(InputFiles.readableDirectory("--capath", t.caPath));
    }
    boolean p12 = t.keyForm.equalsIgnoreCase("p12") || t.keyForm.equalsIgnoreCase("pkcs12");
    if (!p12 && !t.keyForm.equalsIgnoreCase("pem")) {
      throw new CliFailure(ExitCodes.USAGE, "--keyform must be pem or p12, was " + t.keyForm);
    }
    if (p12) {
      if (t.key == null) {
        throw new CliFailure(ExitCodes.USAGE, "--keyform p12 needs --key FILE.p12");
      }
      InputFiles.readableFile("--key", t.key);
      char[] pw = keyPassword(t.key, true);
      b.pkcs12(t.key, pw == null ? new char[0] : pw);
    } else if (t.cert != null || t.key != null) {
      if (t.cert == null || t.key == null) {
        throw new CliFailure(ExitCodes.USAGE, "--cert and --key go together");
      }
      InputFiles.readableFile("--cert", t.cert);
      InputFiles.readableFile("--key", t.key);
      b.certFile(certificates("--cert", t.cert, "give the device's certificate in PEM"))
          .keyFile(InputFiles.readableFile("--key", t.key));
      char[] pw = keyPassword(t.key, false);
      if (pw != null) {
        b.keyPassword(pw);
      }
    }
    if (t.insecure) {
      b.insecure();
      err.println(
          "Warning: INSECURE (--insecure): host name verification is off: any certificate"
              + " from a trusted CA is accepted, whatever host it names");
      err.flush();
    }
    if (t.tlsVersion != null) {
      b.protocols(List.of(t.tlsVersion("--tls-version")));
    }
    if (t.ciphers != null) {
      b.ciphers(List.of(t.ciphers.split(":")));
    }
    if (t.alpn != null && !t.alpn.isEmpty()) {
      b.alpn(t.alpn);
    }
    if (t.serverName != null) {
      b.sniHost(t.serverName);
    }
    return b.build();
  }
}
