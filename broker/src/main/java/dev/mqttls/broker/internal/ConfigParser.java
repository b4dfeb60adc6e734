package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerConfig.LogDestination;
import dev.mqttls.broker.BrokerConfig.LogTarget;
import dev.mqttls.broker.BrokerConfig.LogType;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.broker.ListenerSecurity;
import dev.mqttls.broker.WebSocketSettings;
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
  private boolean perListenerSettings;

  /** websockets_headers_size; 0: mosquitto's default. Global in mosquitto too. */
  private int websocketsHeadersSize;

  /** allow_anonymous, password_file, acl_file, allow_zero_length_clientid, in file order. */
  private final List<Directive> securityLines = new ArrayList<>();

  private Directive pskFile;
  private Directive firstPskFile;

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
    // psk_file is global and may stand anywhere; each listener with psk_hint gets it. With
    // per_listener_settings true it is the listener's own, as in mosquitto (see pskOf).
    boolean perListener = false;
    for (Directive d : file.directives()) {
      if (d.name().equals("per_listener_settings") && d.bool()) {
        perListener = true;
      }
    }
    for (Directive d : file.directives()) {
      if (d.name().equals("psk_file") && !perListener) {
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
    if (spec.section() == Section.BRIDGE || d.name().equals("connection")) {
      // The bridge module's, its form checked above, read by
      // the bridge module from the same file (it runs above the broker).
      return;
    }
    if (d.name().equals("max_connection_rate")) {
      // The broker's, not TLS's: it applies to plain listeners too.
      current().connectionRate = connectionRate(d);
      return;
    }
    if (d.name().startsWith("provision_")) {
      provisioning(d);
      return;
    }
    switch (d.name()) {
      case "protocol" -> {
        // The catalogue allows mqtt and websockets only.
        current().webSockets = d.word().equals("websockets");
        return;
      }
      case "http_dir" -> {
        Path dir = d.path(current().baseDir);
        if (!Files.isDirectory(dir)) {
          throw d.error("'" + dir + "' is not a directory (or not readable by this user)");
        }
        current().httpDir = dir;
        current().httpDirLine = d;
        return;
      }
      case "use_username_as_clientid" -> {
        current().useUsernameAsClientId = d.bool();
        return;
      }
      default -> {}
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
        pskOf(current());
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
      case "per_listener_settings" -> {
        Directive first = securityLines.isEmpty() ? firstPskFile : securityLines.get(0);
        if (d.bool() && first != null) {
          // mosquitto's rule too: the lines before it would have had no listener to belong to.
          throw d.error("must be set before any other security setting (" + first.where() + ")");
        }
        perListenerSettings = d.bool();
      }
      case "allow_anonymous", "allow_zero_length_clientid" -> {
        d.bool();
        security(d);
      }
      case "password_file" -> {
        Path f = d.path(null);
        readable(d, f);
        // Read now so that a bad line stops start-up naming its FILE:LINE.
        PasswordFile.read(f);
        security(d);
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
        if (perListenerSettings) {
          current().pskFile = d;
        }
        if (firstPskFile == null) {
          firstPskFile = d;
        }
      }
      case "acl_file" -> {
        Path f = d.path(null);
        readable(d, f);
        AclFile.read(f);
        security(d);
      }
      case "websockets_headers_size" -> websocketsHeadersSize = (int) spec.integer(d);
        // libwebsockets' own log level: there is no libwebsockets here to tell.
      case "websockets_log_level" -> {}
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
      case "io_threads" -> builder.ioThreads((int) spec.integer(d));
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

  /**
   * A line that per_listener_settings scopes: kept with the listener it stands in, applied at the
   * end, when the whole file has said whether per_listener_settings is true (mosquitto recommends,
   * but does not require, that line to come first).
   */
  private void security(Directive d) {
    current().security.add(d);
    securityLines.add(d);
  }

  /** Applies security lines to the broker (per_listener_settings false): the last line wins. */
  private void applySecurity(List<Directive> lines) throws ConfException {
    for (Directive d : lines) {
      switch (d.name()) {
        case "allow_anonymous" -> builder.allowAnonymous(d.bool());
        case "allow_zero_length_clientid" -> builder.allowZeroLengthClientId(d.bool());
        case "password_file" -> builder.passwordFile(d.path(null));
        case "acl_file" -> builder.aclFile(d.path(null));
        default -> throw new IllegalStateException("not a security line: " + d.name());
      }
    }
  }

  /**
   * A listener's own security settings (per_listener_settings true). As mosquitto 2.0 with
   * listeners configured, a listener without allow_anonymous refuses anonymous clients.
   */
  private static ListenerSecurity ownSecurity(List<Directive> lines) throws ConfException {
    boolean anonymous = false;
    boolean zeroLength = true;
    Path passwords = null;
    Path acl = null;
    for (Directive d : lines) {
      switch (d.name()) {
        case "allow_anonymous" -> anonymous = d.bool();
        case "allow_zero_length_clientid" -> zeroLength = d.bool();
        case "password_file" -> passwords = d.path(null);
        case "acl_file" -> acl = d.path(null);
        default -> throw new IllegalStateException("not a security line: " + d.name());
      }
    }
    return new ListenerSecurity(
        anonymous, Optional.ofNullable(passwords), Optional.ofNullable(acl), zeroLength);
  }

  /**
   * per_listener_settings true: a listener with psk_hint takes the psk_file of its own block
   * (anywhere in it), not another listener's.
   */
  private static void pskOf(ListenerDraft l) {
    if (l.pskFile != null
        && !l.tls.contains(l.pskFile)
        && l.tls.stream().anyMatch(t -> t.name().equals("psk_hint"))) {
      l.tls.add(l.pskFile);
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

  private BrokerConfig finish() throws ConfigException, ConfException {
    pskOf(current());
    checkTls(current());
    if (current() != global) {
      pskOf(global);
      checkTls(global);
    }
    if (!perListenerSettings) {
      applySecurity(securityLines);
    }
    List<ListenerConfig> out = new ArrayList<>();
    // mosquitto's rule: the default listener exists when nothing else is configured, or when the
    // global port/bind_address/TLS options ask for it.
    if (!anyListenerLine || globalPortGiven || !global.tls.isEmpty()) {
      Optional<String> address =
          global.address.isPresent() || globalPortGiven || anyListenerLine
              ? global.address
              : Optional.of("127.0.0.1");
      out.add(listener(global, address));
    }
    for (ListenerDraft l : listeners) {
      out.add(listener(l, l.address));
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

  private ListenerConfig listener(ListenerDraft l, Optional<String> address) throws ConfException {
    if (l.httpDir != null && !l.webSockets) {
      throw l.httpDirLine.error("http_dir serves files on a protocol websockets listener only");
    }
    ListenerConfig c = l.toConfig(address);
    if (l.webSockets) {
      int size =
          websocketsHeadersSize == 0
              ? WebSocketSettings.DEFAULT_HEADERS_SIZE
              : websocketsHeadersSize;
      c = c.withWebSockets(new WebSocketSettings(Optional.ofNullable(l.httpDir), size));
    }
    if (perListenerSettings) {
      c = c.withSecurity(ownSecurity(l.security));
    }
    return c;
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
    final List<Directive> security = new ArrayList<>();
    int connectionRate;
    boolean webSockets;
    Path httpDir;
    Directive httpDirLine;

    /** This listener's psk_file under per_listener_settings true. */
    Directive pskFile;

    boolean useUsernameAsClientId;

    /** {@code FILE:LINE: listener} of its listener line; null for the default listener. */
    String line;

    ListenerDraft(int port, Optional<String> address, Path baseDir) {
      this.port = port;
      this.address = address;
      this.baseDir = baseDir;
    }

    ListenerConfig toConfig(Optional<String> addr) {
      return new ListenerConfig(
          port,
          addr,
          tls,
          baseDir,
          connectionRate,
          Optional.empty(),
          Optional.empty(),
          useUsernameAsClientId);
    }
  }
}
