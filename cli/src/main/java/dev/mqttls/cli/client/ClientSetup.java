package dev.mqttls.cli.client;

import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
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
final class ClientSetup {
  /** Where environment variables are read; tests replace it. */
  static Function<String, String> environment = System::getenv;

  /** The environment variable holding the MQTT password. */
  static final String PASSWORD_ENV = "MQTTLS_PASSWORD";

  /** The environment variable holding the client key's (or PKCS#12 file's) password. */
  static final String KEY_PASSWORD_ENV = "MQTTLS_KEY_PASSWORD";

  private ClientSetup() {}

  /** The configuration and the topic a URL may carry. */
  record Setup(MqttClientConfig.Builder config, Optional<String> urlTopic) {}

  static Setup build(
      ConnectionOptions c, TlsOptions t, List<PropertyOptions.Property> props, PrintWriter err) {
    String host = c.host;
    Integer port = c.port;
    String username = c.username;
    boolean tls = t.anySet();
    Optional<String> urlTopic = Optional.empty();
    if (c.url != null) {
      if (c.host != null) {
        throw new CliFailure(ExitCodes.USAGE, "give the broker with either --url or -h, not both");
      }
      MqttUrl url = MqttUrl.parse(c.url);
      host = url.host();
      if (port == null) {
        port = url.port().orElse(null);
      }
      if (username == null) {
        username = url.username().orElse(null);
      }
      if (tls && !url.tls()) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "TLS options were given but the URL says mqtt:// (plain TCP); use mqtts://");
      }
      tls = url.tls();
      urlTopic = url.topic();
    }
    if (host == null) {
      host = "localhost";
    }
    MqttVersion version = version(c.protocolVersion);
    MqttClientConfig.Builder b;
    try {
      b = MqttClientConfig.builder(host);
      if (port != null) {
        b.port(port);
      }
      b.version(version);
      b.keepAliveSeconds(c.keepAlive);
      b.connectTimeout(Duration.ofSeconds(Math.max(1, c.connectTimeout)));
      String id = c.clientId;
      if (id == null && version == MqttVersion.V3_1_1) {
        // 3.1.1 brokers may refuse an empty id; mosquitto_pub makes one up the same way
        id = "mqttls-" + ProcessHandle.current().pid();
      }
      if (id != null) {
        b.clientId(id);
      }
      if (c.noClean) {
        if (c.clientId == null) {
          throw new CliFailure(ExitCodes.USAGE, "-c (resume the session) needs a client id (-i)");
        }
        b.cleanStart(false);
        if (version == MqttVersion.V5) {
          b.sessionExpirySeconds(c.sessionExpiry != null ? c.sessionExpiry : 0xFFFF_FFFFL);
        }
      } else if (c.sessionExpiry != null) {
        b.sessionExpirySeconds(c.sessionExpiry);
      }
      if (username != null) {
        b.username(username);
      }
      byte[] password = password(c, username, err);
      if (password != null) {
        b.password(password);
        Arrays.fill(password, (byte) 0);
      }
      for (PropertyOptions.Property p : props) {
        if (p.command().equals("connect")) {
          if (version != MqttVersion.V5) {
            throw new CliFailure(ExitCodes.USAGE, "-D properties need MQTT 5 (-V mqttv5)");
          }
          if (p.name().equals("user-property")) {
            b.connectUserProperty(p.key(), p.value());
          } else if (p.name().equals("session-expiry-interval")) {
            b.sessionExpirySeconds(Long.parseLong(p.value()));
          } else {
            throw new CliFailure(
                ExitCodes.USAGE,
                "-D connect "
                    + p.name()
                    + ": supported are user-property and session-expiry-interval");
          }
        }
      }
      if (tls) {
        b.tls(tlsConfig(t, err));
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage());
    }
    return new Setup(b, urlTopic);
  }

  /** The MQTT 5 properties of a PUBLISH from {@code -D publish ...}. */
  static MessageProperties publishProperties(List<PropertyOptions.Property> props, MqttVersion v) {
    MessageProperties.Builder b = MessageProperties.builder();
    for (PropertyOptions.Property p : props) {
      if (!p.command().equals("publish")) {
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
            b.messageExpirySeconds(Long.parseLong(p.value()));
            break;
          case "payload-format-indicator":
            b.payloadUtf8(p.value().equals("1"));
            break;
          default:
            throw new CliFailure(
                ExitCodes.USAGE,
                "-D publish "
                    + p.name()
                    + ": supported are content-type, correlation-data, message-expiry-interval,"
                    + " payload-format-indicator, response-topic, user-property");
        }
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.USAGE, "-D publish " + p.name() + ": " + e.getMessage());
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
      default:
        throw new CliFailure(ExitCodes.USAGE, "-V must be mqttv5 or mqttv311, was " + v);
    }
  }

  /** The QoS of a -q flag. */
  static Qos qos(int q) {
    try {
      return Qos.of(q);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, "-q must be 0, 1 or 2");
    }
  }

  private static byte[] password(ConnectionOptions c, String username, PrintWriter err) {
    if (c.password != null) {
      err.println(
          "Warning: a password on the command line is visible to other users (ps); use "
              + PASSWORD_ENV
              + " or the prompt");
      err.flush();
      return c.password.getBytes(StandardCharsets.UTF_8);
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

  private static TlsConfig tlsConfig(TlsOptions t, PrintWriter err) {
    TlsConfig.Builder b = TlsConfig.builder();
    if (t.secTag != null) {
      Path dir = t.secTagDir;
      if (dir == null) {
        String env = environment.apply("MQTTLS_CREDENTIALS");
        dir =
            env != null
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".mqttls", "credentials");
      }
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
      b.caFile(t.caFile);
    }
    if (t.caPath != null) {
      b.caPath(t.caPath);
    }
    boolean p12 = t.keyForm.equalsIgnoreCase("p12") || t.keyForm.equalsIgnoreCase("pkcs12");
    if (!p12 && !t.keyForm.equalsIgnoreCase("pem")) {
      throw new CliFailure(ExitCodes.USAGE, "--keyform must be pem or p12, was " + t.keyForm);
    }
    if (p12) {
      if (t.key == null) {
        throw new CliFailure(ExitCodes.USAGE, "--keyform p12 needs --key FILE.p12");
      }
      char[] pw = keyPassword(t.key, true);
      b.pkcs12(t.key, pw == null ? new char[0] : pw);
    } else if (t.cert != null || t.key != null) {
      if (t.cert == null || t.key == null) {
        throw new CliFailure(ExitCodes.USAGE, "--cert and --key go together");
      }
      b.certFile(t.cert).keyFile(t.key);
      char[] pw = keyPassword(t.key, false);
      if (pw != null) {
        b.keyPassword(pw);
      }
    }
    if (t.insecure) {
      b.insecure();
    }
    if (t.tlsVersion != null) {
      String v = t.tlsVersion.toLowerCase(java.util.Locale.ROOT);
      switch (v) {
        case "tlsv1.3":
          b.protocols(List.of("TLSv1.3"));
          break;
        case "tlsv1.2":
          b.protocols(List.of("TLSv1.2"));
          break;
        default:
          throw new CliFailure(
              ExitCodes.USAGE, "--tls-version must be tlsv1.3 or tlsv1.2, was " + t.tlsVersion);
      }
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
