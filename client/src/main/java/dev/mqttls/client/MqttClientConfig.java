package dev.mqttls.client;

import dev.mqttls.client.internal.Validation;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.UserProperty;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a client needs to connect, immutable once built. Defaults suit one-shot use: MQTT 5,
 * clean start, keep-alive 60 s, no automatic reconnect, no offline buffer. The password is copied
 * in and out and never printed.
 */
public final class MqttClientConfig {
  private final String host;
  private final int port;
  private final TlsConfig tls;
  private final MqttVersion version;
  private final String clientId;
  private final boolean cleanStart;
  private final long sessionExpirySeconds;
  private final int keepAliveSeconds;
  private final String username;
  private final byte[] password;
  private final Message will;
  private final Duration connectTimeout;
  private final int maxInflight;
  private final ReconnectPolicy reconnect;
  private final OfflineBuffer offlineBuffer;
  private final List<UserProperty> connectUserProperties;

  private MqttClientConfig(Builder b) {
    this.host = b.host;
    this.port = b.port > 0 ? b.port : (b.tls != null ? 8883 : 1883);
    this.tls = b.tls;
    this.version = b.version;
    this.clientId = b.clientId;
    this.cleanStart = b.cleanStart;
    this.sessionExpirySeconds = b.sessionExpirySeconds;
    this.keepAliveSeconds = b.keepAliveSeconds;
    this.username = b.username;
    this.password = b.password;
    this.will = b.will;
    this.connectTimeout = b.connectTimeout;
    this.maxInflight = b.maxInflight;
    this.reconnect = b.reconnect;
    this.offlineBuffer = b.offlineBuffer;
    this.connectUserProperties = List.copyOf(b.connectUserProperties);
  }

  /** A builder for a client of {@code host} (a DNS name or IP address literal). */
  public static Builder builder(String host) {
    return new Builder(host);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder(host);
    b.port = port;
    b.tls = tls;
    b.version = version;
    b.clientId = clientId;
    b.cleanStart = cleanStart;
    b.sessionExpirySeconds = sessionExpirySeconds;
    b.keepAliveSeconds = keepAliveSeconds;
    b.username = username;
    b.password = password;
    b.will = will;
    b.connectTimeout = connectTimeout;
    b.maxInflight = maxInflight;
    b.reconnect = reconnect;
    b.offlineBuffer = offlineBuffer;
    b.connectUserProperties.addAll(connectUserProperties);
    return b;
  }

  /** The broker's host name or address. */
  public String host() {
    return host;
  }

  /** The broker's port (1883 by default, 8883 with TLS). */
  public int port() {
    return port;
  }

  /** The TLS configuration; empty for plain TCP. */
  public Optional<TlsConfig> tls() {
    return Optional.ofNullable(tls);
  }

  /** The protocol version. */
  public MqttVersion version() {
    return version;
  }

  /** The client identifier; empty asks the broker to assign one. */
  public String clientId() {
    return clientId;
  }

  /** Whether CONNECT asks for a new session (Clean Start / Clean Session). */
  public boolean cleanStart() {
    return cleanStart;
  }

  /**
   * How long the broker keeps the session after a disconnect (MQTT 5; 3.1.1 uses clean session).
   */
  public long sessionExpirySeconds() {
    return sessionExpirySeconds;
  }

  /** The keep-alive in seconds; 0 turns it off. */
  public int keepAliveSeconds() {
    return keepAliveSeconds;
  }

  /** The user name, if set. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** A copy of the password, if set. */
  public Optional<byte[]> password() {
    return Optional.ofNullable(password).map(byte[]::clone);
  }

  /** The will message, if set. */
  public Optional<Message> will() {
    return Optional.ofNullable(will);
  }

  /** How long TCP connect, TLS handshake and CONNACK may take together. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The most QoS 1 and 2 publishes in flight at once (lowered to the broker's Receive Maximum). */
  public int maxInflight() {
    return maxInflight;
  }

  /** When the client reconnects by itself. */
  public ReconnectPolicy reconnect() {
    return reconnect;
  }

  /** What is kept of publishes while disconnected. */
  public OfflineBuffer offlineBuffer() {
    return offlineBuffer;
  }

  /** User properties sent in CONNECT (MQTT 5). */
  public List<UserProperty> connectUserProperties() {
    return connectUserProperties;
  }

  /** The broker as a URL, such as {@code mqtts://broker.example:8883}. */
  public String brokerUrl() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (tls != null ? "mqtts://" : "mqtt://") + h + ":" + port;
  }

  @Override
  public String toString() {
    return "MqttClientConfig["
        + brokerUrl()
        + ", "
        + version
        + ", clientId="
        + (clientId.isEmpty() ? "(assigned)" : clientId)
        + ", cleanStart="
        + cleanStart
        + (username != null ? ", username=" + username : "")
        + (password != null ? ", password=(set)" : "")
        + (tls != null ? ", " + tls : "")
        + "]";
  }

  /** Builds a {@link MqttClientConfig}; setters check their argument and name it when wrong. */
  public static final class Builder {
    private final String host;
    private int port;
    private TlsConfig tls;
    private MqttVersion version = MqttVersion.V5;
    private String clientId = "";
    private boolean cleanStart = true;
    private long sessionExpirySeconds;
    private int keepAliveSeconds = 60;
    private String username;
    private byte[] password;
    private Message will;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxInflight = 20;
    private ReconnectPolicy reconnect = ReconnectPolicy.OFF;
    private OfflineBuffer offlineBuffer = OfflineBuffer.NONE;
    private final List<UserProperty> connectUserProperties = new ArrayList<>();

    private Builder(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("host '" + host + "' is blank or holds white space");
      }
      this.host =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The broker's port, 1 to 65535; the default is 1883, or 8883 with TLS. */
    public Builder port(int port) {
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be 1..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Connects with TLS as configured; without this call the client uses plain TCP. */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** The protocol version: {@link MqttVersion#V5} (default) or {@link MqttVersion#V3_1_1}. */
    public Builder version(MqttVersion version) {
      Objects.requireNonNull(version, "version");
      if (version == MqttVersion.V3_1) {
        throw new IllegalArgumentException(
            "MQTT 3.1 is not supported by the client; use V3_1_1 or V5");
      }
      this.version = version;
      return this;
    }

    /** The client identifier; empty (the default) lets the broker assign one. */
    public Builder clientId(String clientId) {
      Objects.requireNonNull(clientId, "clientId");
      Validation.checkUtf8String("clientId", clientId);
      this.clientId = clientId;
      return this;
    }

    /** Whether to start a new session (true, the default) or resume the stored one. */
    public Builder cleanStart(boolean cleanStart) {
      this.cleanStart = cleanStart;
      return this;
    }

    /** How long the broker keeps the session after disconnect, 0..4294967295 s (MQTT 5). */
    public Builder sessionExpirySeconds(long seconds) {
      if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            "sessionExpirySeconds must be 0..4294967295, was " + seconds);
      }
      this.sessionExpirySeconds = seconds;
      return this;
    }

    /** The keep-alive, 0 (off) to 65535 seconds; the default is 60. */
    public Builder keepAliveSeconds(int seconds) {
      if (seconds < 0 || seconds > 65_535) {
        throw new IllegalArgumentException("keepAliveSeconds must be 0..65535, was " + seconds);
      }
      this.keepAliveSeconds = seconds;
      return this;
    }

    /** The user name. */
    public Builder username(String username) {
      Objects.requireNonNull(username, "username");
      Validation.checkUtf8String("username", username);
      this.username = username;
      return this;
    }

    /** The password (copied). */
    public Builder password(byte[] password) {
      Objects.requireNonNull(password, "password");
      if (password.length > 65_535) {
        throw new IllegalArgumentException("password is longer than 65535 bytes");
      }
      this.password = password.clone();
      return this;
    }

    /** The password as UTF-8. */
    public Builder password(char[] password) {
      Objects.requireNonNull(password, "password");
      java.nio.ByteBuffer bb = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
      byte[] bytes = new byte[bb.remaining()];
      bb.get(bytes);
      return password(bytes);
    }

    /** The will message the broker publishes if the connection ends without DISCONNECT. */
    public Builder will(Message will) {
      this.will = Objects.requireNonNull(will, "will");
      return this;
    }

    /** How long TCP connect, TLS handshake and CONNACK may take together; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "connectTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive");
      }
      this.connectTimeout = timeout;
      return this;
    }

    /** The most QoS 1 and 2 publishes in flight at once, 1..65535; default 20. */
    public Builder maxInflight(int max) {
      if (max < 1 || max > 65_535) {
        throw new IllegalArgumentException("maxInflight must be 1..65535, was " + max);
      }
      this.maxInflight = max;
      return this;
    }

    /** Automatic reconnect; the default is {@link ReconnectPolicy#OFF}. */
    public Builder reconnect(ReconnectPolicy policy) {
      this.reconnect = Objects.requireNonNull(policy, "reconnect");
      return this;
    }

    /** The offline buffer; the default is {@link OfflineBuffer#NONE}. */
    public Builder offlineBuffer(OfflineBuffer buffer) {
      this.offlineBuffer = Objects.requireNonNull(buffer, "offlineBuffer");
      return this;
    }

    /** Adds a user property to CONNECT (MQTT 5). */
    public Builder connectUserProperty(String name, String value) {
      connectUserProperties.add(new UserProperty(name, value));
      return this;
    }

    /**
     * The immutable configuration.
     *
     * @throws IllegalStateException if MQTT 3.1.1 is asked to resume a session without a client
     *     identifier
     */
    public MqttClientConfig build() {
      if (version == MqttVersion.V3_1_1 && clientId.isEmpty() && !cleanStart) {
        throw new IllegalStateException(
            "MQTT 3.1.1 needs a clientId to resume a session (cleanStart false)");
      }
      return new MqttClientConfig(this);
    }
  }
}
