package dev.mqttls.client;

import dev.mqttls.client.internal.Validation;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.UserProperty;
import io.netty.channel.local.LocalAddress;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
  private final List<ServerAddress> failoverServers;
  private final Path unixSocket;
  private final LocalAddress inProcess;
  private final String webSocketPath;
  private final Socks5Proxy socks5Proxy;
  private final boolean tcpNoDelay;
  private final InetAddress localAddress;
  private final Integer receiveMaximum;
  private final Long maximumPacketSize;
  private final Boolean requestProblemInformation;
  private final Boolean requestResponseInformation;
  private final Long willDelaySeconds;
  private final PacketTrace packetTrace;
  private final boolean manualAcknowledgement;
  private final boolean bridge;

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
    this.failoverServers = List.copyOf(b.failoverServers);
    this.unixSocket = b.unixSocket;
    this.inProcess = b.inProcess;
    this.webSocketPath = b.webSocketPath;
    this.socks5Proxy = b.socks5Proxy;
    this.tcpNoDelay = b.tcpNoDelay;
    this.localAddress = b.localAddress;
    this.receiveMaximum = b.receiveMaximum;
    this.maximumPacketSize = b.maximumPacketSize;
    this.requestProblemInformation = b.requestProblemInformation;
    this.requestResponseInformation = b.requestResponseInformation;
    this.willDelaySeconds = b.willDelaySeconds;
    this.packetTrace = b.packetTrace;
    this.manualAcknowledgement = b.manualAcknowledgement;
    this.bridge = b.bridge;
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
    b.failoverServers.addAll(failoverServers);
    b.unixSocket = unixSocket;
    b.inProcess = inProcess;
    b.webSocketPath = webSocketPath;
    b.socks5Proxy = socks5Proxy;
    b.tcpNoDelay = tcpNoDelay;
    b.localAddress = localAddress;
    b.receiveMaximum = receiveMaximum;
    b.maximumPacketSize = maximumPacketSize;
    b.requestProblemInformation = requestProblemInformation;
    b.requestResponseInformation = requestResponseInformation;
    b.willDelaySeconds = willDelaySeconds;
    b.packetTrace = packetTrace;
    b.manualAcknowledgement = manualAcknowledgement;
    b.bridge = bridge;
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

  /**
   * Every broker this client may connect to, in the order tried: {@link #host()} and {@link
   * #port()} first, then the failover servers. {@link MqttClient#connect()} tries them in order
   * until one accepts; a reconnect starts at the one after the server last connected to and goes
   * round robin. All share the TLS and MQTT settings of this configuration.
   */
  public List<ServerAddress> servers() {
    List<ServerAddress> all = new ArrayList<>(1 + failoverServers.size());
    all.add(new ServerAddress(host, port));
    all.addAll(failoverServers);
    return List.copyOf(all);
  }

  /**
   * The Unix domain socket to connect to instead of TCP, if set ({@code mosquitto_pub --unix}).
   * {@link #host()} then only names the broker for TLS (SNI and verification) and messages.
   */
  public Optional<Path> unixSocket() {
    return Optional.ofNullable(unixSocket);
  }

  /**
   * The broker in this JVM to connect to instead of TCP, if set: the address a broker gives as
   * {@code Broker#inProcessAddress()}. Such a connection has no TLS and no socket.
   */
  public Optional<LocalAddress> inProcess() {
    return Optional.ofNullable(inProcess);
  }

  /**
   * The path of the broker's MQTT-over-WebSockets endpoint, if set ({@code ws://} or, with TLS,
   * {@code wss://}); MQTT then travels in binary WebSocket frames with subprotocol {@code mqtt}.
   */
  public Optional<String> webSocketPath() {
    return Optional.ofNullable(webSocketPath);
  }

  /** The SOCKS5 proxy to connect through, if set. */
  public Optional<Socks5Proxy> socks5Proxy() {
    return Optional.ofNullable(socks5Proxy);
  }

  /**
   * Whether small packets go out at once (TCP_NODELAY, Nagle's algorithm off), true by default. A
   * client that publishes bursts of small messages may turn it off to send fewer segments.
   */
  public boolean tcpNoDelay() {
    return tcpNoDelay;
  }

  /**
   * The local address the client's TCP connections leave from ({@code mosquitto_pub -A}), if set;
   * otherwise the system picks one for the route to the broker. The local port is always chosen by
   * the system.
   */
  public Optional<InetAddress> localAddress() {
    return Optional.ofNullable(localAddress);
  }

  /**
   * The Receive Maximum sent in CONNECT (MQTT 5), if set: how many QoS 1 and 2 publishes the broker
   * may have unacknowledged towards this client at once; unset means the protocol's 65535.
   */
  public Optional<Integer> receiveMaximum() {
    return Optional.ofNullable(receiveMaximum);
  }

  /**
   * The Maximum Packet Size sent in CONNECT (MQTT 5), if set: the broker sends no larger packet (it
   * drops a message that would be larger, for this client only).
   */
  public Optional<Long> maximumPacketSize() {
    return Optional.ofNullable(maximumPacketSize);
  }

  /**
   * The Request Problem Information sent in CONNECT (MQTT 5), if set: false asks the broker to send
   * reason strings and user properties only in CONNACK, PUBLISH and DISCONNECT.
   */
  public Optional<Boolean> requestProblemInformation() {
    return Optional.ofNullable(requestProblemInformation);
  }

  /**
   * The Request Response Information sent in CONNECT (MQTT 5), if set: true asks the broker for
   * Response Information in its CONNACK.
   */
  public Optional<Boolean> requestResponseInformation() {
    return Optional.ofNullable(requestResponseInformation);
  }

  /**
   * The Will Delay Interval of the will (MQTT 5), if set: how long the broker waits after losing
   * this client before it publishes the will (a reconnect within it cancels the will).
   */
  public Optional<Long> willDelaySeconds() {
    return Optional.ofNullable(willDelaySeconds);
  }

  /** The listener that sees every packet sent and received, if set. */
  public Optional<PacketTrace> packetTrace() {
    return Optional.ofNullable(packetTrace);
  }

  /**
   * Whether QoS 1 and 2 messages from the broker are acknowledged only when the application calls
   * {@link MqttClient#acknowledge(Message)}, rather than on receipt.
   */
  public boolean manualAcknowledgement() {
    return manualAcknowledgement;
  }

  /**
   * Whether the MQTT 3.1/3.1.1 CONNECT announces a bridge (protocol level with its top bit set, as
   * mosquitto's {@code try_private}).
   */
  public boolean bridge() {
    return bridge;
  }

  /**
   * The broker as a URL, such as {@code mqtts://broker.example:8883}; {@code unix:PATH} for a Unix
   * domain socket. With failover servers, this is the first.
   */
  public String brokerUrl() {
    if (unixSocket != null) {
      return "unix:" + unixSocket;
    }
    if (inProcess != null) {
      return "local:" + inProcess.id();
    }
    String url = new ServerAddress(host, port).url(tls != null);
    if (webSocketPath != null) {
      return (tls != null ? "wss" : "ws") + url.substring(url.indexOf(':')) + webSocketPath;
    }
    return url;
  }

  @Override
  public String toString() {
    return "MqttClientConfig["
        + brokerUrl()
        + (failoverServers.isEmpty() ? "" : " (+" + failoverServers.size() + " failover)")
        + (socks5Proxy != null ? " via " + socks5Proxy : "")
        + (localAddress != null ? " from " + localAddress.getHostAddress() : "")
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
    private final List<ServerAddress> failoverServers = new ArrayList<>();
    private Path unixSocket;
    private LocalAddress inProcess;
    private String webSocketPath;
    private Socks5Proxy socks5Proxy;
    private boolean tcpNoDelay = true;
    private InetAddress localAddress;
    private Integer receiveMaximum;
    private Long maximumPacketSize;
    private Boolean requestProblemInformation;
    private Boolean requestResponseInformation;
    private Long willDelaySeconds;
    private PacketTrace packetTrace;
    private boolean manualAcknowledgement;
    private boolean bridge;

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

    /**
     * The protocol version: {@link MqttVersion#V5} (default), {@link MqttVersion#V3_1_1}, or {@link
     * MqttVersion#V3_1} (protocol name {@code MQIsdp}, level 3; it needs a client id of 1 to 23
     * characters).
     */
    public Builder version(MqttVersion version) {
      Objects.requireNonNull(version, "version");
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
     * Adds a broker tried after the ones before it when connecting, and in turn when reconnecting
     * (see {@link MqttClientConfig#servers()}). It uses the same TLS and MQTT settings; with TLS,
     * its certificate must name {@code host}.
     *
     * @throws IllegalArgumentException if the host is blank or the port not in 1..65535
     */
    public Builder failoverServer(String host, int port) {
      failoverServers.add(new ServerAddress(host, port));
      return this;
    }

    /**
     * Connects to the Unix domain socket at {@code path} instead of TCP (Linux with Netty's epoll
     * transport; connecting elsewhere fails with {@link FailureKind#CONFIGURATION}).
     */
    public Builder unixSocket(Path path) {
      this.unixSocket = Objects.requireNonNull(path, "unixSocket");
      return this;
    }

    /**
     * Connects to the broker running in this JVM at {@code address} (its {@code
     * Broker#inProcessAddress()}), through no socket and no TLS. The broker trusts such a
     * connection: its user name is taken without a password, and a connection without one acts as
     * the broker itself. For bridges, $SYS publishers and other parts that run beside the broker.
     */
    public Builder inProcess(LocalAddress address) {
      this.inProcess = Objects.requireNonNull(address, "inProcess");
      return this;
    }

    /**
     * Speaks MQTT over WebSockets to the broker's endpoint at {@code path} (such as {@code /mqtt}):
     * {@code ws://host:port/path}, or {@code wss://} with {@link #tls(TlsConfig)}. An HTTP upgrade
     * with subprotocol {@code mqtt} comes before CONNECT.
     *
     * @throws IllegalArgumentException if the path does not start with {@code /} or holds white
     *     space
     */
    public Builder webSocket(String path) {
      Objects.requireNonNull(path, "webSocket path");
      if (!path.startsWith("/") || path.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "webSocket path must start with '/' and hold no white space, was '" + path + "'");
      }
      this.webSocketPath = path;
      return this;
    }

    /** Connects through this SOCKS5 proxy. */
    public Builder socks5Proxy(Socks5Proxy proxy) {
      this.socks5Proxy = Objects.requireNonNull(proxy, "socks5Proxy");
      return this;
    }

    /** TCP_NODELAY on (true, the default) or off; see {@link MqttClientConfig#tcpNoDelay()}. */
    public Builder tcpNoDelay(boolean noDelay) {
      this.tcpNoDelay = noDelay;
      return this;
    }

    /**
     * Connects from this local address (one of this machine's), as {@code mosquitto_pub -A}; see
     * {@link MqttClientConfig#localAddress()}. Not with a Unix socket.
     */
    public Builder localAddress(InetAddress address) {
      this.localAddress = Objects.requireNonNull(address, "localAddress");
      return this;
    }

    /** Receive Maximum, 1..65535 (MQTT 5); see {@link MqttClientConfig#receiveMaximum()}. */
    public Builder receiveMaximum(int max) {
      if (max < 1 || max > 65_535) {
        throw new IllegalArgumentException("receiveMaximum must be 1..65535, was " + max);
      }
      this.receiveMaximum = max;
      return this;
    }

    /**
     * Maximum Packet Size, 1..4294967295 bytes (MQTT 5); see {@link
     * MqttClientConfig#maximumPacketSize()}.
     */
    public Builder maximumPacketSize(long bytes) {
      if (bytes < 1 || bytes > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("maximumPacketSize must be 1..4294967295, was " + bytes);
      }
      this.maximumPacketSize = bytes;
      return this;
    }

    /**
     * Request Problem Information (MQTT 5); see {@link
     * MqttClientConfig#requestProblemInformation()}.
     */
    public Builder requestProblemInformation(boolean request) {
      this.requestProblemInformation = request;
      return this;
    }

    /**
     * Request Response Information (MQTT 5); see {@link
     * MqttClientConfig#requestResponseInformation()}.
     */
    public Builder requestResponseInformation(boolean request) {
      this.requestResponseInformation = request;
      return this;
    }

    /**
     * Will Delay Interval, 0..4294967295 s (MQTT 5); see {@link
     * MqttClientConfig#willDelaySeconds()}. Needs a {@link #will(Message)}.
     */
    public Builder willDelaySeconds(long seconds) {
      if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            "willDelaySeconds must be 0..4294967295, was " + seconds);
      }
      this.willDelaySeconds = seconds;
      return this;
    }

    /** Calls {@code trace} for every packet sent and received; see {@link PacketTrace}. */
    public Builder packetTrace(PacketTrace trace) {
      this.packetTrace = Objects.requireNonNull(trace, "packetTrace");
      return this;
    }

    /**
     * With {@code true}, a QoS 1 or 2 message from the broker is acknowledged (PUBACK, PUBREC) only
     * when the application passes it to {@link MqttClient#acknowledge(Message)}: for a gateway that
     * must not acknowledge what it has not yet handed on. The broker keeps such messages in flight
     * and, after a reconnect that resumes the session, sends them again. Off by default.
     */
    public Builder manualAcknowledgement(boolean manual) {
      this.manualAcknowledgement = manual;
      return this;
    }

    /**
     * With {@code true}, an MQTT 3.1 or 3.1.1 CONNECT announces a bridge (mosquitto's {@code
     * try_private}: protocol level 0x83/0x84), so that a mosquitto broker does not send the
     * bridge's own messages back to it. Brokers that do not know it refuse the connection with
     * "unacceptable protocol version". Ignored for MQTT 5, whose No Local does this.
     */
    public Builder bridge(boolean bridge) {
      this.bridge = bridge;
      return this;
    }

    /**
     * The immutable configuration.
     *
     * @throws IllegalStateException if MQTT 3.1.1 is asked to resume a session without a client
     *     identifier, MQTT 3.1 has no client identifier of 1 to 23 characters, or a Unix socket is
     *     combined with failover servers, a proxy or a local address, or a will delay is set
     *     without a will
     */
    public MqttClientConfig build() {
      if (version == MqttVersion.V3_1 && (clientId.isEmpty() || clientId.length() > 23)) {
        throw new IllegalStateException(
            "MQTT 3.1 needs a clientId of 1 to 23 characters, was '" + clientId + "'");
      }
      if (unixSocket != null
          && (!failoverServers.isEmpty() || socks5Proxy != null || localAddress != null)) {
        throw new IllegalStateException(
            "a Unix socket connection takes no failover servers, no SOCKS5 proxy"
                + " and no local address");
      }
      if (inProcess != null
          && (unixSocket != null
              || tls != null
              || !failoverServers.isEmpty()
              || socks5Proxy != null
              || localAddress != null)) {
        throw new IllegalStateException(
            "an in-process connection takes no TLS, no Unix socket, no failover servers,"
                + " no SOCKS5 proxy and no local address");
      }
      if (willDelaySeconds != null && will == null) {
        throw new IllegalStateException("a will delay needs a will message");
      }
      if (version == MqttVersion.V3_1_1 && clientId.isEmpty() && !cleanStart) {
        throw new IllegalStateException(
            "MQTT 3.1.1 needs a clientId to resume a session (cleanStart false)");
      }
      return new MqttClientConfig(this);
    }
  }
}
