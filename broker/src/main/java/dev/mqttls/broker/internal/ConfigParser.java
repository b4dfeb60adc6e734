package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerConfig.LogDestination;
import dev.mqttls.broker.BrokerConfig.LogTarget;
import dev.mqttls.broker.BrokerConfig.LogType;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.broker.internal.security.AclFile;
import dev.mqttls.broker.internal.security.PasswordFile;
import dev.mqttls.conf.Catalogue;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfFile;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.conf.Directive;
import dev.mqttls.conf.DirectiveSpec;
import dev.mqttls.conf.DirectiveSpec.Section;
import dev.mqttls.conf.DirectiveSpec.Support;
import dev.mqttls.tls.TlsMaterialException;
import dev.mqttls.tls.psk.PskFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the directives that {@code conf} reads from a {@code mosquitto.conf}-syntax file into a
 * {@link BrokerConfig}. Which directives exist, where they belong and what their values look like
 * is the {@link Catalogue}'s; this class gives the supported ones their meaning. As in mosquitto,
 * directives before the first {@code listener} belong to the default listener.
 */
public final class ConfigParser {
  private final Path topFile;
  private final BrokerConfig.Builder builder = BrokerConfig.builder();
  private final List<ListenerDraft> listeners = new ArrayList<>();
  private final ListenerDraft global;
  private boolean anyListenerLine;
  private boolean globalPortGiven;
  private EnumSet<LogType> logTypes;
  private Set<String> claimIdentities;
  private Directive pskFile;

  private ConfigParser(Path topFile) {
    this.topFile = topFile;
    this.global = new ListenerDraft(1883, Optional.empty(), Directive.directoryOf(topFile));
  }

  /** Parses a file on disk. */
  public static BrokerConfig parseFile(Path file) throws ConfigException {
    try {
      return new ConfigParser(file).apply(ConfReader.read(file));
    } catch (ConfException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** Parses text, naming {@code pretendFile} in errors. */
  public static BrokerConfig parseText(String text, Path pretendFile) throws ConfigException {
    try {
      return new ConfigParser(pretendFile).apply(ConfReader.parse(text, pretendFile));
    } catch (ConfException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private BrokerConfig apply(ConfFile file) throws ConfException, ConfigException {
    // psk_file is global and may stand anywhere; each listener with psk_hint gets it.
    for (Directive d : file.directives()) {
      if (d.name().equals("psk_file")) {
        pskFile = d;
      }
    }
    for (Directive d : file.directives()) {
      apply(d);
    }
    return finish();
  }

  private void apply(Directive d) throws ConfException, ConfigException {
    DirectiveSpec spec = Catalogue.spec(d);
    if (spec.support() == Support.NOT_YET) {
      throw d.error("not yet supported");
    }
    // The value's form and what mqttls refuses in it, exactly as the linter checks it.
    spec.check(d);
    if (d.name().equals("max_connection_rate")) {
      // The broker's, not TLS's: it applies to plain listeners too.
      current().connectionRate = connectionRate(d);
      return;
    }
    if (d.name().startsWith("provision_")) {
      provisioning(d);
      return;
    }
    if (spec.section() == Section.LISTENER) {
      ListenerDraft l = current();
      // Check the value now, so the error names this line; the combination is checked when the
      // listener's block ends.
      TlsDirectives.checkValue(d, l.baseDir);
      l.tls.add(d);
      if (d.name().equals("psk_hint") && pskFile != null) {
        l.tls.add(pskFile);
      }
      return;
    }
    switch (d.name()) {
      case "listener" -> {
        anyListenerLine = true;
        checkTls(current());
        List<String> w = d.words();
        int port = Integer.parseInt(w.get(0));
        Optional<String> address = w.size() == 2 ? Optional.of(w.get(1)) : Optional.empty();
        ListenerDraft l = new ListenerDraft(port, address, Directive.directoryOf(d.file().get()));
        l.line = d.where();
        listeners.add(l);
      }
      case "port" -> {
        global.port = (int) spec.integer(d);
        globalPortGiven = true;
      }
      case "bind_address" -> {
        global.address = Optional.of(d.word());
        globalPortGiven = true;
      }
      case "allow_anonymous" -> builder.allowAnonymous(d.bool());
      case "per_listener_settings" -> {} // only false passes the catalogue's check
      case "password_file" -> {
        Path f = d.path(null);
        readable(d, f);
        // Read now so that a bad line stops start-up naming its FILE:LINE.
        PasswordFile.read(f);
        builder.passwordFile(f);
      }
      case "psk_file" -> {
        Path f = d.path(null);
        readable(d, f);
        // Read now so that a bad line stops start-up naming its FILE:LINE.
        try {
          PskFile.read(f);
        } catch (TlsMaterialException e) {
          throw new ConfigException(d.where() + ": " + e.getMessage(), e);
        }
      }
      case "acl_file" -> {
        Path f = d.path(null);
        readable(d, f);
        AclFile.read(f);
        builder.aclFile(f);
      }
      case "allow_zero_length_clientid" -> builder.allowZeroLengthClientId(d.bool());
      case "max_inflight_messages" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.maxInflightMessages(n == 0 ? 65535 : n));
      }
      case "max_queued_messages" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.maxQueuedMessages(n));
      }
      case "max_queued_bytes" -> {
        long n = spec.integer(d);
        call(d, () -> builder.maxQueuedBytes(n));
      }
      case "max_topic_levels" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.maxTopicLevels(n));
      }
      case "max_topic_bytes" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.maxTopicBytes(n));
      }
      case "max_subscriptions" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.maxSubscriptions(n));
      }
      case "message_size_limit" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.messageSizeLimit(n));
      }
      case "max_packet_size" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.maxPacketSize(n == 0 ? BrokerConfig.MQTT_MAX_PACKET_SIZE : n));
      }
      case "max_keepalive" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.maxKeepalive(n));
      }
      case "max_connections" -> {
        int n = (int) spec.integer(d);
        call(d, () -> builder.maxConnections(n == 0 ? -1 : n));
      }
      case "persistent_client_expiration" -> {
        Duration dur = d.period();
        call(d, () -> builder.persistentClientExpiration(dur));
      }
      case "retain_available" -> builder.retainAvailable(d.bool());
      case "persistence" -> builder.persistence(d.bool());
      case "persistence_location" -> builder.persistenceLocation(d.path(null));
      case "persistence_file" -> {
        String dbName = d.word();
        call(d, () -> builder.persistenceFile(dbName));
      }
      case "persistence_sync" -> {
        String mode = d.word();
        builder.persistenceSync(
            switch (mode) {
              case "none" -> BrokerConfig.PersistenceSync.NONE;
              case "batch" -> BrokerConfig.PersistenceSync.BATCH;
              case "always" -> BrokerConfig.PersistenceSync.ALWAYS;
              default -> throw d.error("unknown mode '" + mode + "'; use none, batch or always");
            });
      }
      case "sys_interval" -> builder.sysInterval(Duration.ofSeconds(spec.integer(d)));
      case "cert_expiry_warning_days" ->
          builder.certExpiryWarning(Duration.ofDays(spec.integer(d)));
        // The admin module's, read by it from the same file.
      case "http_listener", "http_certfile", "http_keyfile", "http_password_file" -> {}
      case "log_type" -> logType(d);
      case "log_dest" -> logDest(d);
        // Read by ConfReader where it stands.
      case "include_dir" -> {}
        // Accepted for Mosquitto configurations, their values checked by the catalogue: mqttls
        // writes every change at once (autosave_*), always sets TCP_NODELAY, always logs
        // connections, and never changes user.
      case "autosave_interval",
          "autosave_on_changes",
          "set_tcp_nodelay",
          "user",
          "connection_messages" -> {}
        // The cluster module's, read by it from the same file; a broker without it ignores them.
      case "cluster_name",
          "cluster_node_name",
          "cluster_bind",
          "cluster_peers",
          "cluster_cafile",
          "cluster_certfile",
          "cluster_keyfile",
          "cluster_backups" -> {}
      default ->
          // The catalogue says the broker accepts it, but nothing here reads it: our bug.
          throw new IllegalStateException("catalogue directive without a reader: " + d.name());
    }
  }

  /**
   * A {@code provision_*} line: any of them turns the provisioning topic rules on; the claim
   * identities are the broker's, the rest is the provisioning service's to read from the same file.
   */
  private void provisioning(Directive d) {
    if (claimIdentities == null) {
      claimIdentities = new LinkedHashSet<>();
    }
    if (d.name().equals("provision_claim_identity")) {
      claimIdentities.add(d.value());
    }
  }

  /** A log_type line; the catalogue has checked the name. */
  private void logType(Directive d) {
    if (logTypes == null) {
      logTypes = EnumSet.noneOf(LogType.class);
    }
    switch (d.value()) {
      case "all" -> logTypes.addAll(EnumSet.allOf(LogType.class));
      case "none" -> logTypes.clear();
      case "websockets" -> {}
      default -> logTypes.add(LogType.valueOf(d.value().toUpperCase(Locale.ROOT)));
    }
  }

  /** A log_dest line; the catalogue has checked it. */
  private void logDest(Directive d) throws ConfException {
    String t = d.words().get(0);
    LogDestination dest =
        switch (t) {
          case "stdout" -> new LogDestination(LogTarget.STDOUT, Optional.empty());
          case "stderr" -> new LogDestination(LogTarget.STDERR, Optional.empty());
          case "file" -> {
            // As in mosquitto, the path is the rest of the line and may hold spaces.
            Path f = d.withValue(d.value().substring(t.length())).path(null);
            yield new LogDestination(LogTarget.FILE, Optional.of(f));
          }
          default -> new LogDestination(LogTarget.NONE, Optional.empty());
        };
    builder.addLogDestination(dest);
  }

  /** {@code N/s} (or just N): new connections per source address per second; 0 is no limit. */
  private static int connectionRate(Directive d) throws ConfException {
    String v = d.word();
    String n = v.endsWith("/s") ? v.substring(0, v.length() - 2) : v;
    long rate;
    try {
      rate = Long.parseLong(n);
    } catch (NumberFormatException e) {
      throw d.error("expected N/s with N a whole number, got '" + v + "'");
    }
    if (rate < 0 || rate > Integer.MAX_VALUE) {
      throw d.error("expected N/s with N >= 0, got '" + v + "'");
    }
    return (int) rate;
  }

  private static void readable(Directive d, Path f) throws ConfException {
    if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
      throw d.error("cannot read '" + f + "': no such file, or not readable by this user");
    }
  }

  private ListenerDraft current() {
    return listeners.isEmpty() ? global : listeners.get(listeners.size() - 1);
  }

  private void checkTls(ListenerDraft l) throws ConfigException {
    if (!l.tls.isEmpty()) {
      Directive first = l.tls.get(0);
      String where = l.line == null ? first.where() : l.line;
      TlsDirectives.settings(l.tls, l.baseDir, where);
    }
  }

  private BrokerConfig finish() throws ConfigException {
    checkTls(current());
    if (current() != global) {
      checkTls(global);
    }
    List<ListenerConfig> out = new ArrayList<>();
    // mosquitto's rule: the default listener exists when nothing else is configured, or when the
    // global port/bind_address/TLS options ask for it.
    if (!anyListenerLine || globalPortGiven || !global.tls.isEmpty()) {
      Optional<String> address =
          global.address.isPresent() || globalPortGiven || anyListenerLine
              ? global.address
              : Optional.of("127.0.0.1");
      out.add(global.toConfig(address));
    }
    for (ListenerDraft l : listeners) {
      out.add(l.toConfig(l.address));
    }
    builder.listeners(out);
    if (logTypes != null) {
      builder.logTypes(logTypes);
    }
    builder.source(topFile);
    if (claimIdentities != null) {
      builder.provisioning(claimIdentities);
    }
    return builder.build();
  }

  private interface Setter {
    void run();
  }

  private static void call(Directive d, Setter s) throws ConfException {
    try {
      s.run();
    } catch (IllegalArgumentException e) {
      throw d.error(e.getMessage());
    }
  }

  private static final class ListenerDraft {
    int port;
    Optional<String> address;
    final Path baseDir;
    final List<Directive> tls = new ArrayList<>();
    int connectionRate;

    /** {@code FILE:LINE: listener} of its listener line; null for the default listener. */
    String line;

    ListenerDraft(int port, Optional<String> address, Path baseDir) {
      this.port = port;
      this.address = address;
      this.baseDir = baseDir;
    }

    ListenerConfig toConfig(Optional<String> addr) {
      return new ListenerConfig(port, addr, tls, baseDir, connectionRate);
    }
  }
}
