package dev.mqttls.doctor;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What to probe and with which material: the broker URL, the trusted CA file, the client
 * certificate and key, the name to send as SNI and to verify, ALPN, MQTT credentials and version.
 * Built with {@link #builder(String)}. The password is held as a char array, copied in and out, and
 * never appears in {@link #toString()}.
 */
public final class ProbeOptions {

  /** MQTT protocol versions the probe can speak. */
  public enum MqttVersion {
    /** MQTT 3.1.1 (protocol level 4). */
    V311(4),
    /** MQTT 5.0 (protocol level 5). */
    V5(5);

    private final int level;

    MqttVersion(int level) {
      this.level = level;
    }

    /** The protocol level byte sent in CONNECT. */
    public int level() {
      return level;
    }
  }

  private final String host;
  private final int port;
  private final boolean tls;
  private final Path caFile;
  private final Path certFile;
  private final Path keyFile;
  private final String serverName;
  private final String alpn;
  private final String username;
  private final char[] password;
  private final MqttVersion mqttVersion;
  private final String clientId;
  private final String topic;
  private final Duration timeout;
  private final boolean versionProbes;
  private final boolean costProbe;
  private final boolean tls12Only;

  private ProbeOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.tls = b.tls;
    this.caFile = b.caFile;
    this.certFile = b.certFile;
    this.keyFile = b.keyFile;
    this.serverName = b.serverName;
    this.alpn = b.alpn;
    this.username = b.username;
    this.password = b.password == null ? null : b.password.clone();
    this.mqttVersion = b.mqttVersion;
    this.clientId = b.clientId;
    this.topic = b.topic;
    this.timeout = b.timeout;
    this.versionProbes = b.versionProbes;
    this.costProbe = b.costProbe;
    this.tls12Only = b.tls12Only;
  }

  /**
   * A builder for a broker URL: {@code mqtts://host:port} (TLS, default port 8883), {@code
   * mqtt://host:port} (plain, default 1883); {@code ssl://} and {@code tls://} mean TLS, {@code
   * tcp://} plain. A bare {@code host:port} means TLS.
   *
   * @throws IllegalArgumentException naming the URL when it cannot be parsed
   */
  public static Builder builder(String url) {
    Objects.requireNonNull(url, "url");
    String s = url.contains("://") ? url : "mqtts://" + url;
    URI uri;
    try {
      uri = new URI(s);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("url: not a broker URL: " + url, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls;
    switch (scheme) {
      case "mqtts", "ssl", "tls", "mqtt+ssl" -> tls = true;
      case "mqtt", "tcp" -> tls = false;
      default ->
          throw new IllegalArgumentException(
              "url: unknown scheme '" + scheme + "' in " + url + " (use mqtts:// or mqtt://)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("url: no host in " + url);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : (tls ? 8883 : 1883);
    return new Builder(host, port, tls);
  }

  /** The host name or IP literal to connect to. */
  public String host() {
    return host;
  }

  /** The TCP port. */
  public int port() {
    return port;
  }

  /** True when the URL asked for TLS. */
  public boolean tls() {
    return tls;
  }

  /** The trusted CA file; empty means the JDK's default trust store. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /** The client certificate file (PEM). */
  public Optional<Path> certFile() {
    return Optional.ofNullable(certFile);
  }

  /** The client key file (PEM). */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  /** The name sent as SNI and verified against the certificate; the host by default. */
  public String serverName() {
    return serverName != null ? serverName : host;
  }

  /** True when a server name other than the host was given. */
  public boolean serverNameGiven() {
    return serverName != null;
  }

  /** The ALPN protocol to offer, if any. */
  public Optional<String> alpn() {
    return Optional.ofNullable(alpn);
  }

  /** The MQTT user name, if any. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** A copy of the MQTT password, if any. */
  public Optional<char[]> password() {
    return Optional.ofNullable(password == null ? null : password.clone());
  }

  /** The MQTT version to speak. */
  public MqttVersion mqttVersion() {
    return mqttVersion;
  }

  /** The client id to connect with. */
  public String clientId() {
    return clientId;
  }

  /** The private test topic for the round trip. */
  public String topic() {
    return topic;
  }

  /** The timeout for each network step. */
  public Duration timeout() {
    return timeout;
  }

  /** Whether to probe each TLS version separately (step 3). */
  public boolean versionProbes() {
    return versionProbes;
  }

  /** Whether to measure cost and resumption (step 8). */
  public boolean costProbe() {
    return costProbe;
  }

  /** True when the main connection offers TLS 1.2 only, as most mbedTLS 2.x devices do. */
  public boolean tls12Only() {
    return tls12Only;
  }

  /** The URL this probe targets, without credentials. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "mqtts://" : "mqtt://") + h + ":" + port;
  }

  @Override
  public String toString() {
    return "ProbeOptions[" + url() + ", user=" + (username == null ? "-" : username) + "]";
  }

  /** A validating builder; each setter checks its argument and names it when it throws. */
  public static final class Builder {
    private final String host;
    private final int port;
    private final boolean tls;
    private Path caFile;
    private Path certFile;
    private Path keyFile;
    private String serverName;
    private String alpn;
    private String username;
    private char[] password;
    private MqttVersion mqttVersion = MqttVersion.V311;
    private String clientId;
    private String topic;
    private Duration timeout = Duration.ofSeconds(5);
    private boolean versionProbes = true;
    private boolean costProbe = true;
    private boolean tls12Only;

    private Builder(String host, int port, boolean tls) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("url: port out of range: " + port);
      }
      this.host = host;
      this.port = port;
      this.tls = tls;
    }

    /** Trust only the CAs in this PEM file. */
    public Builder caFile(Path p) {
      this.caFile = p;
      return this;
    }

    /** Present this client certificate (PEM, leaf first, optionally with its chain). */
    public Builder certFile(Path p) {
      this.certFile = p;
      return this;
    }

    /** The private key of the client certificate (PEM: PKCS#8, PKCS#1 or SEC1). */
    public Builder keyFile(Path p) {
      this.keyFile = p;
      return this;
    }

    /** Send this name as SNI and verify the certificate against it instead of the host. */
    public Builder serverName(String name) {
      if (name != null && name.isBlank()) {
        throw new IllegalArgumentException("serverName: blank");
      }
      this.serverName = name;
      return this;
    }

    /** Offer this ALPN protocol (for example {@code mqtt} or {@code x-amzn-mqtt-ca}). */
    public Builder alpn(String protocol) {
      if (protocol != null && (protocol.isEmpty() || protocol.length() > 255)) {
        throw new IllegalArgumentException("alpn: must be 1..255 characters");
      }
      this.alpn = protocol;
      return this;
    }

    /** The MQTT user name. */
    public Builder username(String name) {
      this.username = name;
      return this;
    }

    /** The MQTT password; the array is copied. */
    public Builder password(char[] pw) {
      this.password = pw == null ? null : pw.clone();
      return this;
    }

    /** The MQTT version to speak. */
    public Builder mqttVersion(MqttVersion v) {
      this.mqttVersion = Objects.requireNonNull(v, "mqttVersion");
      return this;
    }

    /** The client id; a random {@code mqttls-doctor-...} id by default. */
    public Builder clientId(String id) {
      if (id != null && id.length() > 65535) {
        throw new IllegalArgumentException("clientId: too long");
      }
      this.clientId = id;
      return this;
    }

    /** The test topic; {@code mqttls/doctor/<client id>} by default. */
    public Builder topic(String t) {
      if (t != null && (t.isEmpty() || t.contains("+") || t.contains("#"))) {
        throw new IllegalArgumentException(
            "topic: must be a non-empty topic name without wildcards");
      }
      this.topic = t;
      return this;
    }

    /** The timeout for each network step (connect, handshake, each awaited packet). */
    public Builder timeout(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeout: must be positive");
      }
      this.timeout = d;
      return this;
    }

    /** Whether to probe each TLS version separately (on by default). */
    public Builder versionProbes(boolean on) {
      this.versionProbes = on;
      return this;
    }

    /** Whether to measure cost and resumption (on by default). */
    public Builder costProbe(boolean on) {
      this.costProbe = on;
      return this;
    }

    /** Offer only TLS 1.2 on the main connection, to see what a TLS 1.2 device sees. */
    public Builder tls12Only(boolean on) {
      this.tls12Only = on;
      return this;
    }

    /** The options. */
    public ProbeOptions build() {
      if ((certFile == null) != (keyFile == null)) {
        throw new IllegalArgumentException(
            "cert/key: give both a certificate and its key, or neither");
      }
      if (clientId == null) {
        clientId = "mqttls-doctor-" + Long.toHexString(new java.security.SecureRandom().nextLong());
      }
      if (topic == null) {
        topic = "mqttls/doctor/" + clientId;
      }
      ProbeOptions o = new ProbeOptions(this);
      if (password != null) {
        Arrays.fill(password, '\0');
        password = null;
      }
      return o;
    }
  }
}
