package dev.mqttls.broker;

import dev.mqttls.broker.internal.ConfigParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The broker's runtime configuration: immutable, validated whole. Read one from a {@code
 * mosquitto.conf}-syntax file with {@link #parse(Path)}, or build one with {@link #builder()}.
 */
public final class BrokerConfig {
  /** The MQTT maximum of a remaining length, the largest packet the protocol can express. */
  public static final int MQTT_MAX_PACKET_SIZE = 268_435_455 + 5;

  /** Default {@code max_packet_size}: large enough for firmware images, small enough for a heap. */
  public static final int DEFAULT_MAX_PACKET_SIZE = 16 * 1024 * 1024;

  /** Default {@code max_queued_bytes}: 64 MiB per client (mosquitto's default is no limit). */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;

  /** Default {@code max_topic_levels} (mosquitto 2.0 has a fixed limit of 200). */
  public static final int DEFAULT_MAX_TOPIC_LEVELS = 128;

  /** Default {@code max_subscriptions} per client (mosquitto has no limit). */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 1000;

  /**
   * When the store forces what it wrote to the disk ({@code persistence_sync}), and so what an
   * acknowledgement of a QoS 1/2 message survives. Every mode writes before it acknowledges.
   */
  public enum PersistenceSync {
    /**
     * Written to the store's log, left to the operating system to put on disk: an acknowledged
     * message survives a killed broker, not a power cut or a kernel crash.
     */
    NONE,
    /**
     * Group commit: the acknowledgements of one event-loop turn wait for one fsync of the log, then
     * leave together. An acknowledged message survives a power cut too; a removal (a delivery the
     * client acknowledged) may be undone by one, which means a duplicate, never a loss.
     */
    BATCH,
    /** Every write is forced to disk before the call returns: as BATCH, one fsync per write. */
    ALWAYS
  }

  /** Categories of log lines, as mosquitto's {@code log_type} names them. */
  public enum LogType {
    ERROR,
    WARNING,
    NOTICE,
    INFORMATION,
    SUBSCRIBE,
    UNSUBSCRIBE,
    DEBUG
  }

  /** Where the log goes ({@code log_dest}). */
  public enum LogTarget {
    STDOUT,
    STDERR,
    FILE,
    NONE
  }

  /**
   * One {@code log_dest} line.
   *
   * @param target where
   * @param file the file for {@link LogTarget#FILE}
   */
  public record LogDestination(LogTarget target, Optional<Path> file) {
    public LogDestination {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(file, "file");
      if ((target == LogTarget.FILE) != file.isPresent()) {
        throw new IllegalArgumentException("a file destination needs a file, and only it");
      }
    }
  }

  private final List<ListenerConfig> listeners;
  private final boolean allowAnonymous;
  private final boolean allowZeroLengthClientId;
  private final int maxInflightMessages;
  private final int maxQueuedMessages;
  private final long maxQueuedBytes;
  private final int maxTopicLevels;
  private final int maxTopicBytes;
  private final int maxSubscriptions;
  private final int maxPacketSize;
  private final int messageSizeLimit;
  private final int maxKeepalive;
  private final Optional<Duration> persistentClientExpiration;
  private final boolean retainAvailable;
  private final int maxConnections;
  private final Duration sysInterval;
  private final int ioThreads;
  private final Duration certExpiryWarning;
  private final Set<LogType> logTypes;
  private final List<LogDestination> logDestinations;
  private final Optional<Path> source;
  private final Optional<Path> passwordFile;
  private final Optional<Path> aclFile;
  private final boolean persistence;
  private final Optional<Path> persistenceLocation;
  private final String persistenceFile;
  private final PersistenceSync persistenceSync;
  private final Optional<Set<String>> provisioning;

  private BrokerConfig(Builder b) {
    this.listeners = List.copyOf(b.listeners);
    this.allowAnonymous = b.allowAnonymous;
    this.allowZeroLengthClientId = b.allowZeroLengthClientId;
    this.maxInflightMessages = b.maxInflightMessages;
    this.maxQueuedMessages = b.maxQueuedMessages;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.maxTopicLevels = b.maxTopicLevels;
    this.maxTopicBytes = b.maxTopicBytes;
    this.maxSubscriptions = b.maxSubscriptions;
    this.maxPacketSize = b.maxPacketSize;
    this.messageSizeLimit = b.messageSizeLimit;
    this.maxKeepalive = b.maxKeepalive;
    this.persistentClientExpiration = b.persistentClientExpiration;
    this.retainAvailable = b.retainAvailable;
    this.maxConnections = b.maxConnections;
    this.sysInterval = b.sysInterval;
    this.ioThreads = b.ioThreads;
    this.certExpiryWarning = b.certExpiryWarning;
    this.logTypes = Set.copyOf(b.logTypes);
    this.logDestinations = List.copyOf(b.logDestinations);
    this.source = b.source;
    this.passwordFile = b.passwordFile;
    this.aclFile = b.aclFile;
    this.persistence = b.persistence;
    this.persistenceLocation = b.persistenceLocation;
    this.persistenceFile = b.persistenceFile;
    this.persistenceSync = b.persistenceSync;
    this.provisioning = b.provisioning;
  }

  /**
   * Reads a {@code mosquitto.conf}-syntax file (following {@code include_dir}).
   *
   * @throws ConfigException naming {@code FILE:LINE: directive:} and what is wrong
   */
  public static BrokerConfig parse(Path file) throws ConfigException {
    return ConfigParser.parseFile(file);
  }

  /**
   * Parses configuration text as though it were read from {@code pretendFile}: errors name that
   * file, and relative paths resolve against its directory.
   */
  public static BrokerConfig parse(String text, Path pretendFile) throws ConfigException {
    return ConfigParser.parseText(text, pretendFile);
  }

  /** A builder starting from the defaults: one plain listener on 127.0.0.1:1883. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.listeners.clear();
    b.listeners.addAll(listeners);
    b.allowAnonymous = allowAnonymous;
    b.allowZeroLengthClientId = allowZeroLengthClientId;
    b.maxInflightMessages = maxInflightMessages;
    b.maxQueuedMessages = maxQueuedMessages;
    b.maxQueuedBytes = maxQueuedBytes;
    b.maxTopicLevels = maxTopicLevels;
    b.maxTopicBytes = maxTopicBytes;
    b.maxSubscriptions = maxSubscriptions;
    b.maxPacketSize = maxPacketSize;
    b.messageSizeLimit = messageSizeLimit;
    b.maxKeepalive = maxKeepalive;
    b.persistentClientExpiration = persistentClientExpiration;
    b.retainAvailable = retainAvailable;
    b.maxConnections = maxConnections;
    b.sysInterval = sysInterval;
    b.ioThreads = ioThreads;
    b.certExpiryWarning = certExpiryWarning;
    b.logTypes = EnumSet.noneOf(LogType.class);
    b.logTypes.addAll(logTypes);
    b.logDestinations.clear();
    b.logDestinations.addAll(logDestinations);
    b.source = source;
    b.passwordFile = passwordFile;
    b.aclFile = aclFile;
    b.persistence = persistence;
    b.persistenceLocation = persistenceLocation;
    b.persistenceFile = persistenceFile;
    b.persistenceSync = persistenceSync;
    b.provisioning = provisioning;
    return b;
  }

  /** The listeners, in configuration order; {@link Broker#address(int)} uses these indexes. */
  public List<ListenerConfig> listeners() {
    return listeners;
  }

  /** Whether clients without credentials may connect ({@code allow_anonymous}). */
  public boolean allowAnonymous() {
    return allowAnonymous;
  }

  /** Whether an empty client id gets an assigned one ({@code allow_zero_length_clientid}). */
  public boolean allowZeroLengthClientId() {
    return allowZeroLengthClientId;
  }

  /** Outgoing QoS 1/2 messages in flight per client, before the client's own Receive Maximum. */
  public int maxInflightMessages() {
    return maxInflightMessages;
  }

  /** Messages queued per client beyond those in flight (offline or window full). */
  public int maxQueuedMessages() {
    return maxQueuedMessages;
  }

  /**
   * Payload bytes queued per client beyond those in flight ({@code max_queued_bytes}); 0 means no
   * byte limit (max_queued_messages still applies).
   */
  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** Most levels in a topic name or filter ({@code max_topic_levels}). */
  public int maxTopicLevels() {
    return maxTopicLevels;
  }

  /** Most UTF-8 bytes in a topic name or filter ({@code max_topic_bytes}). */
  public int maxTopicBytes() {
    return maxTopicBytes;
  }

  /** Most subscriptions one client may hold ({@code max_subscriptions}); 0 means no limit. */
  public int maxSubscriptions() {
    return maxSubscriptions;
  }

  /** Largest MQTT packet accepted from a client, in bytes, fixed header included. */
  public int maxPacketSize() {
    return maxPacketSize;
  }

  /** Largest PUBLISH payload accepted, in bytes; 0 means only {@link #maxPacketSize()} applies. */
  public int messageSizeLimit() {
    return messageSizeLimit;
  }

  /** Largest keep-alive a client may ask for, in seconds; larger requests are lowered (v5). */
  public int maxKeepalive() {
    return maxKeepalive;
  }

  /** How long a disconnected persistent session is kept at most; empty means forever. */
  public Optional<Duration> persistentClientExpiration() {
    return persistentClientExpiration;
  }

  /** Whether retained messages are supported ({@code retain_available}). */
  public boolean retainAvailable() {
    return retainAvailable;
  }

  /** Most simultaneous client connections; -1 means no limit. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Event loops for connections ({@code io_threads}); 0: Netty's default, two per core. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Time between {@code $SYS} updates ({@code sys_interval}); zero: no {@code $SYS} tree. */
  public Duration sysInterval() {
    return sysInterval;
  }

  /**
   * How close to its end a server certificate, CA, CRL or connected device certificate is warned
   * about ({@code cert_expiry_warning_days}).
   */
  public Duration certExpiryWarning() {
    return certExpiryWarning;
  }

  /** Categories of lines to log. */
  public Set<LogType> logTypes() {
    return logTypes;
  }

  /** Where to log; empty means the caller's default (standard error). */
  public List<LogDestination> logDestinations() {
    return logDestinations;
  }

  /** The file this configuration was read from, if any. */
  public Optional<Path> source() {
    return source;
  }

  /**
   * The Mosquitto-format password file ({@code password_file}) that CONNECT user names and
   * passwords are checked against; empty means user names are not checked.
   */
  public Optional<Path> passwordFile() {
    return passwordFile;
  }

  /**
   * The Mosquitto-format ACL file ({@code acl_file}) that publishing, subscribing and delivery are
   * checked against; empty means every client may use every topic.
   */
  public Optional<Path> aclFile() {
    return aclFile;
  }

  /**
   * Whether sessions, their subscriptions and messages, and retained messages are kept on disk
   * ({@code persistence}) and restored when the broker starts again. Off by default.
   */
  public boolean persistence() {
    return persistence;
  }

  /**
   * The directory that holds the store ({@code persistence_location}); empty means {@code
   * mqttls-data} next to the configuration file, or in the working directory without one.
   */
  public Optional<Path> persistenceLocation() {
    return persistenceLocation;
  }

  /** Name of the store's directory inside the location ({@code persistence_file}). */
  public String persistenceFile() {
    return persistenceFile;
  }

  /** When the store forces its writes to disk ({@code persistence_sync}); NONE by default. */
  public PersistenceSync persistenceSync() {
    return persistenceSync;
  }

  /** The store's directory: {@link #persistenceFile()} inside the effective location. */
  public Path persistenceDirectory() {
    Path location =
        persistenceLocation.orElseGet(
            () ->
                source
                    .map(Path::toAbsolutePath)
                    .map(Path::getParent)
                    .orElse(Path.of("").toAbsolutePath())
                    .resolve("mqttls-data"));
    return location.resolve(persistenceFile);
  }

  /**
   * Present when provisioning over MQTT is configured (any {@code provision_*} directive): the user
   * names that are claim identities ({@code provision_claim_identity}). With it the broker reserves
   * {@code $mqttls/provision/#} and {@code $mqttls/renew/#} for the provisioning service
   * (docs/provisioning.md) and confines each claim identity to asking for its certificate.
   */
  public Optional<Set<String>> provisioning() {
    return provisioning;
  }

  @Override
  public String toString() {
    return "BrokerConfig" + listeners.stream().map(ListenerConfig::name).toList();
  }

  /** Validating builder; setters throw {@link IllegalArgumentException} on bad values. */
  public static final class Builder {
    private final List<ListenerConfig> listeners = new ArrayList<>();
    private boolean allowAnonymous = true;
    private boolean allowZeroLengthClientId = true;
    private int maxInflightMessages = 20;
    private int maxQueuedMessages = 1000;
    private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
    private int maxTopicLevels = DEFAULT_MAX_TOPIC_LEVELS;
    private int maxTopicBytes = 65535;
    private int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
    private int maxPacketSize = DEFAULT_MAX_PACKET_SIZE;
    private int messageSizeLimit = 0;
    private int maxKeepalive = 65535;
    private Optional<Duration> persistentClientExpiration = Optional.empty();
    private boolean retainAvailable = true;
    private int maxConnections = -1;
    private Duration sysInterval = Duration.ofSeconds(10);
    private int ioThreads;
    private Duration certExpiryWarning = Duration.ofDays(30);
    private Set<LogType> logTypes =
        EnumSet.of(LogType.ERROR, LogType.WARNING, LogType.NOTICE, LogType.INFORMATION);
    private final List<LogDestination> logDestinations = new ArrayList<>();
    private Optional<Path> source = Optional.empty();
    private Optional<Path> passwordFile = Optional.empty();
    private Optional<Path> aclFile = Optional.empty();
    private boolean persistence;
    private Optional<Path> persistenceLocation = Optional.empty();
    private String persistenceFile = "mqttls.db";
    private PersistenceSync persistenceSync = PersistenceSync.NONE;
    private boolean defaultListener = true;
    private Optional<Set<String>> provisioning = Optional.empty();

    private Builder() {
      listeners.add(ListenerConfig.plain(1883, "127.0.0.1"));
    }

    /** Adds a listener. The first call replaces the default listener on 127.0.0.1:1883. */
    public Builder listener(ListenerConfig listener) {
      Objects.requireNonNull(listener, "listener");
      if (defaultListener) {
        listeners.clear();
        defaultListener = false;
      }
      listeners.add(listener);
      return this;
    }

    /** Adds a plain TCP listener; see {@link #listener(ListenerConfig)}. */
    public Builder listener(int port, String bindAddress) {
      return listener(ListenerConfig.plain(port, bindAddress));
    }

    /** Replaces all listeners. */
    public Builder listeners(List<ListenerConfig> all) {
      listeners.clear();
      listeners.addAll(all);
      defaultListener = false;
      return this;
    }

    public Builder allowAnonymous(boolean allow) {
      this.allowAnonymous = allow;
      return this;
    }

    public Builder allowZeroLengthClientId(boolean allow) {
      this.allowZeroLengthClientId = allow;
      return this;
    }

    public Builder maxInflightMessages(int n) {
      if (n < 1 || n > 65535) {
        throw new IllegalArgumentException("max_inflight_messages must be 1..65535, got " + n);
      }
      this.maxInflightMessages = n;
      return this;
    }

    public Builder maxQueuedMessages(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("max_queued_messages must be at least 1, got " + n);
      }
      this.maxQueuedMessages = n;
      return this;
    }

    public Builder maxQueuedBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("max_queued_bytes must be 0 or more, got " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    public Builder maxTopicLevels(int n) {
      if (n < 1 || n > 32768) {
        throw new IllegalArgumentException("max_topic_levels must be 1..32768, got " + n);
      }
      this.maxTopicLevels = n;
      return this;
    }

    public Builder maxTopicBytes(int n) {
      if (n < 1 || n > 65535) {
        throw new IllegalArgumentException("max_topic_bytes must be 1..65535, got " + n);
      }
      this.maxTopicBytes = n;
      return this;
    }

    public Builder maxSubscriptions(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("max_subscriptions must be 0 or more, got " + n);
      }
      this.maxSubscriptions = n;
      return this;
    }

    public Builder maxPacketSize(int bytes) {
      if (bytes < 20 || bytes > MQTT_MAX_PACKET_SIZE) {
        throw new IllegalArgumentException(
            "max_packet_size must be 20.." + MQTT_MAX_PACKET_SIZE + ", got " + bytes);
      }
      this.maxPacketSize = bytes;
      return this;
    }

    public Builder messageSizeLimit(int bytes) {
      if (bytes < 0 || bytes > 268_435_455) {
        throw new IllegalArgumentException("message_size_limit must be 0..268435455, got " + bytes);
      }
      this.messageSizeLimit = bytes;
      return this;
    }

    public Builder maxKeepalive(int seconds) {
      if (seconds < 0 || seconds > 65535) {
        throw new IllegalArgumentException("max_keepalive must be 0..65535, got " + seconds);
      }
      this.maxKeepalive = seconds;
      return this;
    }

    public Builder persistentClientExpiration(Duration d) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException("persistent_client_expiration must be positive");
      }
      this.persistentClientExpiration = Optional.ofNullable(d);
      return this;
    }

    public Builder retainAvailable(boolean available) {
      this.retainAvailable = available;
      return this;
    }

    public Builder maxConnections(int n) {
      if (n < -1 || n == 0) {
        throw new IllegalArgumentException("max_connections must be -1 or positive, got " + n);
      }
      this.maxConnections = n;
      return this;
    }

    /** {@code io_threads}: 0 leaves the number of event loops to Netty (two per core). */
    public Builder ioThreads(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("io_threads must not be negative, got " + n);
      }
      this.ioThreads = n;
      return this;
    }

    /** {@code sys_interval}: zero turns the {@code $SYS} tree off. */
    public Builder sysInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("sys_interval must not be negative");
      }
      this.sysInterval = interval;
      return this;
    }

    /** {@code cert_expiry_warning_days}. */
    public Builder certExpiryWarning(Duration window) {
      if (window.isNegative()) {
        throw new IllegalArgumentException("cert_expiry_warning_days must not be negative");
      }
      this.certExpiryWarning = window;
      return this;
    }

    public Builder logTypes(Set<LogType> types) {
      this.logTypes = types.isEmpty() ? EnumSet.noneOf(LogType.class) : EnumSet.copyOf(types);
      return this;
    }

    public Builder addLogDestination(LogDestination d) {
      logDestinations.add(Objects.requireNonNull(d));
      return this;
    }

    public Builder source(Path file) {
      this.source = Optional.ofNullable(file);
      return this;
    }

    /** Sets the password file ({@code password_file}); null removes it. */
    public Builder passwordFile(Path file) {
      this.passwordFile = Optional.ofNullable(file);
      return this;
    }

    /** Sets the ACL file ({@code acl_file}); null removes it. */
    public Builder aclFile(Path file) {
      this.aclFile = Optional.ofNullable(file);
      return this;
    }

    /** Turns the on-disk store on or off ({@code persistence}). */
    public Builder persistence(boolean on) {
      this.persistence = on;
      return this;
    }

    /** Sets the store's location ({@code persistence_location}); null means the default. */
    public Builder persistenceLocation(Path dir) {
      this.persistenceLocation = Optional.ofNullable(dir);
      return this;
    }

    /** Sets when the store forces its writes to disk ({@code persistence_sync}). */
    public Builder persistenceSync(PersistenceSync sync) {
      this.persistenceSync = Objects.requireNonNull(sync, "persistence_sync");
      return this;
    }

    /** Sets the store's directory name inside the location ({@code persistence_file}). */
    public Builder persistenceFile(String name) {
      Objects.requireNonNull(name, "persistence_file");
      if (name.isEmpty() || name.contains("/") || name.equals("..") || name.equals(".")) {
        throw new IllegalArgumentException(
            "persistence_file must be a plain name without '/', got '" + name + "'");
      }
      this.persistenceFile = name;
      return this;
    }

    /**
     * Turns the provisioning topic rules on, with these user names as claim identities (may be
     * empty: renewal only); null turns them off. See {@link BrokerConfig#provisioning()}.
     */
    public Builder provisioning(Set<String> claimIdentities) {
      this.provisioning = Optional.ofNullable(claimIdentities).map(Set::copyOf);
      return this;
    }

    public BrokerConfig build() {
      if (listeners.isEmpty()) {
        throw new IllegalArgumentException("no listener configured");
      }
      return new BrokerConfig(this);
    }
  }
}
