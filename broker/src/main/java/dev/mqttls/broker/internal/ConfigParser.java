package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerConfig.LogDestination;
import dev.mqttls.broker.BrokerConfig.LogTarget;
import dev.mqttls.broker.BrokerConfig.LogType;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.broker.ListenerConfig.Directive;
import dev.mqttls.broker.internal.security.AclFile;
import dev.mqttls.broker.internal.security.PasswordFile;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads {@code mosquitto.conf} syntax (see mosquitto.conf(5)) into a {@link BrokerConfig}. Like
 * mosquitto, a line is {@code name arg...}, {@code #} starts a comment only at the start of a line,
 * and directives before the first {@code listener} belong to the default listener. Unlike
 * mosquitto, relative paths in a file resolve against that file's directory, so a configuration
 * works from any working directory.
 */
public final class ConfigParser {
  /** Directives of features that later issues add: accepted by name, refused at start-up. */
  private static final Set<String> NOT_YET =
      Set.of(
          "auth_plugin",
          "plugin",
          "protocol",
          "http_dir",
          "sys_interval",
          "connection",
          "address",
          "websockets_log_level",
          "max_queued_bytes",
          "max_inflight_bytes",
          "memory_limit",
          "queue_qos0_messages",
          "upgrade_outgoing_qos",
          "use_username_as_clientid",
          "auto_id_prefix",
          "clientid_prefixes",
          "check_retain_source",
          "allow_duplicate_messages",
          "mount_point",
          "socket_domain",
          "bind_interface",
          "accept_protocol_versions",
          "psk_hint",
          "psk_file",
          "tls_keyform",
          "tls_engine_kpass_sha1");

  private final Path topFile;
  private final BrokerConfig.Builder builder = BrokerConfig.builder();
  private final List<ListenerDraft> listeners = new ArrayList<>();
  private final ListenerDraft global;
  private boolean anyListenerLine;
  private boolean globalPortGiven;
  private EnumSet<LogType> logTypes;
  private int includeDepth;

  private ConfigParser(Path topFile) {
    this.topFile = topFile;
    this.global = new ListenerDraft(1883, Optional.empty(), dirOf(topFile));
  }

  /** Parses a file on disk. */
  public static BrokerConfig parseFile(Path file) throws ConfigException {
    ConfigParser p = new ConfigParser(file);
    p.readFile(file);
    return p.finish();
  }

  /** Parses text, naming {@code pretendFile} in errors. */
  public static BrokerConfig parseText(String text, Path pretendFile) throws ConfigException {
    ConfigParser p = new ConfigParser(pretendFile);
    p.readLines(text.split("\r?\n", -1), pretendFile);
    return p.finish();
  }

  private void readFile(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new ConfigException(file + ": not UTF-8 text; is this a configuration file?", e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + describe(e), e);
    }
    readLines(text.split("\r?\n", -1), file);
  }

  private void readLines(String[] lines, Path file) throws ConfigException {
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+");
      Directive d = new Directive(words[0], List.of(words).subList(1, words.length), file, i + 1);
      apply(d);
    }
  }

  private void apply(Directive d) throws ConfigException {
    String name = d.name();
    switch (name) {
      case "listener" -> {
        anyListenerLine = true;
        checkTls(current());
        arity(d, 1, 2);
        int port = intArg(d, 0, 0, 65535);
        if (d.args().size() == 2 && d.args().get(1).startsWith("/")) {
          throw error(d, "unix sockets are not supported; give a host name or IP address");
        }
        Optional<String> address =
            d.args().size() == 2 ? Optional.of(d.args().get(1)) : Optional.empty();
        ListenerDraft l = new ListenerDraft(port, address, dirOf(d.file()));
        l.line = d.where();
        listeners.add(l);
      }
      case "port" -> {
        arity(d, 1, 1);
        global.port = intArg(d, 0, 0, 65535);
        globalPortGiven = true;
      }
      case "bind_address" -> {
        arity(d, 1, 1);
        global.address = Optional.of(d.args().get(0));
        globalPortGiven = true;
      }
      case "allow_anonymous" -> builder.allowAnonymous(bool(d));
      case "per_listener_settings" -> {
        if (bool(d)) {
          throw error(
              d,
              "true is not yet supported: password_file and acl_file apply to every listener;"
                  + " remove the line or set it to false");
        }
      }
      case "password_file" -> {
        arity(d, 1, 1);
        Path f = dirOf(d.file()).resolve(d.args().get(0));
        readable(d, f);
        // Read now so that a bad line stops start-up naming its FILE:LINE.
        PasswordFile.read(f);
        builder.passwordFile(f);
      }
      case "acl_file" -> {
        arity(d, 1, 1);
        Path f = dirOf(d.file()).resolve(d.args().get(0));
        readable(d, f);
        AclFile.read(f);
        builder.aclFile(f);
      }
      case "allow_zero_length_clientid" -> builder.allowZeroLengthClientId(bool(d));
      case "max_inflight_messages" -> {
        int n = intArg(d, 0, 0, 65535);
        call(d, () -> builder.maxInflightMessages(n == 0 ? 65535 : n));
      }
      case "max_queued_messages" -> {
        int n = intArg(d, 0, 0, Integer.MAX_VALUE);
        if (n == 0) {
          throw error(d, "0 (no limit) is not supported: mqttls keeps every queue bounded");
        }
        call(d, () -> builder.maxQueuedMessages(n));
      }
      case "message_size_limit" -> {
        int n = intArg(d, 0, 0, 268_435_455);
        call(d, () -> builder.messageSizeLimit(n));
      }
      case "max_packet_size" -> {
        int n = intArg(d, 0, 0, BrokerConfig.MQTT_MAX_PACKET_SIZE);
        if (n != 0 && n < 20) {
          throw error(d, "must be 0 (protocol maximum) or at least 20 bytes, got " + n);
        }
        call(d, () -> builder.maxPacketSize(n == 0 ? BrokerConfig.MQTT_MAX_PACKET_SIZE : n));
      }
      case "max_keepalive" -> {
        int n = intArg(d, 0, 0, 65535);
        call(d, () -> builder.maxKeepalive(n));
      }
      case "max_connections" -> {
        arity(d, 1, 1);
        int n = intArg(d, 0, -1, Integer.MAX_VALUE);
        call(d, () -> builder.maxConnections(n == 0 ? -1 : n));
      }
      case "persistent_client_expiration" -> {
        arity(d, 1, 1);
        Duration dur = duration(d, d.args().get(0));
        call(d, () -> builder.persistentClientExpiration(dur));
      }
      case "retain_available" -> builder.retainAvailable(bool(d));
      case "persistence" -> builder.persistence(bool(d));
        // Accepted for Mosquitto configurations: mqttls writes every change at once (to the
        // store's write-ahead log), so there is no periodic save to tune.
      case "autosave_interval" -> intArg(d, 0, 0, Integer.MAX_VALUE);
      case "autosave_on_changes" -> bool(d);
      case "persistence_location" -> {
        arity(d, 1, 1);
        builder.persistenceLocation(dirOf(d.file()).resolve(d.args().get(0)));
      }
      case "persistence_file" -> {
        arity(d, 1, 1);
        String dbName = d.args().get(0);
        call(d, () -> builder.persistenceFile(dbName));
      }
      case "log_type" -> {
        arity(d, 1, 1);
        if (logTypes == null) {
          logTypes = EnumSet.noneOf(LogType.class);
        }
        String t = d.args().get(0);
        switch (t) {
          case "all" -> logTypes.addAll(EnumSet.allOf(LogType.class));
          case "none" -> logTypes.clear();
          case "websockets" -> {}
          default -> {
            try {
              logTypes.add(LogType.valueOf(t.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
              throw error(
                  d,
                  "unknown log type '"
                      + t
                      + "'; use error, warning, notice, information, subscribe, unsubscribe,"
                      + " debug, all or none");
            }
          }
        }
      }
      case "log_dest" -> {
        arity(d, 1, 2);
        String t = d.args().get(0);
        switch (t) {
          case "stdout" ->
              builder.addLogDestination(new LogDestination(LogTarget.STDOUT, Optional.empty()));
          case "stderr" ->
              builder.addLogDestination(new LogDestination(LogTarget.STDERR, Optional.empty()));
          case "none" ->
              builder.addLogDestination(new LogDestination(LogTarget.NONE, Optional.empty()));
          case "file" -> {
            if (d.args().size() != 2) {
              throw error(d, "'file' needs a path: log_dest file /var/log/mqttls.log");
            }
            Path f = dirOf(d.file()).resolve(d.args().get(1));
            builder.addLogDestination(new LogDestination(LogTarget.FILE, Optional.of(f)));
          }
          case "syslog", "topic", "dlt" ->
              throw error(d, "'" + t + "' is not supported; use stdout, stderr, file PATH or none");
          default ->
              throw error(
                  d, "unknown destination '" + t + "'; use stdout, stderr, file PATH or none");
        }
      }
      case "include_dir" -> {
        arity(d, 1, 1);
        include(d, dirOf(d.file()).resolve(d.args().get(0)));
      }
      case "set_tcp_nodelay" -> bool(d); // always on in mqttls; accepted for compatibility
      case "user" -> arity(d, 1, 1); // mqttls never changes user; accepted for compatibility
      case "connection_messages" -> bool(d);
      default -> {
        if (TlsDirectives.isTlsDirective(name)) {
          ListenerDraft l = current();
          l.tls.add(d);
          // Check the value now, so the error names this line.
          TlsDirectives.settingsValuesOnly(List.of(d), l.baseDir);
        } else if (NOT_YET.contains(name) || name.startsWith("plugin_opt_")) {
          throw error(d, "not yet supported");
        } else {
          throw error(d, "unknown directive");
        }
      }
    }
  }

  private static void readable(Directive d, Path f) throws ConfigException {
    if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
      throw error(d, "cannot read '" + f + "': no such file, or not readable by this user");
    }
  }

  private ListenerDraft current() {
    return listeners.isEmpty() ? global : listeners.get(listeners.size() - 1);
  }

  private void include(Directive d, Path dir) throws ConfigException {
    if (!Files.isDirectory(dir)) {
      throw error(d, "'" + dir + "' is not a directory");
    }
    if (++includeDepth > 8) {
      throw error(d, "include_dir nested more than 8 deep; does a directory include itself?");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".conf"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw error(d, "cannot list '" + dir + "': " + describe(e));
    }
    for (Path f : files) {
      readFile(f);
    }
    includeDepth--;
  }

  private void checkTls(ListenerDraft l) throws ConfigException {
    if (!l.tls.isEmpty()) {
      Directive first = l.tls.get(0);
      String where =
          l.line == null ? first.file() + ":" + first.line() + ": " + first.name() : l.line;
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
    return builder.build();
  }

  private static Path dirOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of(".") : parent;
  }

  private interface Setter {
    void run();
  }

  private static void call(Directive d, Setter s) throws ConfigException {
    try {
      s.run();
    } catch (IllegalArgumentException e) {
      throw error(d, e.getMessage());
    }
  }

  private static void arity(Directive d, int min, int max) throws ConfigException {
    int n = d.args().size();
    if (n < min) {
      throw error(
          d,
          min == 1 && max == 1
              ? "needs a value"
              : "needs " + min + " to " + max + " values, got " + n);
    }
    if (n > max) {
      throw error(
          d,
          "takes "
              + (max == 1 ? "one value" : "at most " + max + " values")
              + ", got "
              + n
              + ": "
              + String.join(" ", d.args()));
    }
  }

  private static boolean bool(Directive d) throws ConfigException {
    arity(d, 1, 1);
    return switch (d.args().get(0)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(d, "must be true or false, got '" + d.args().get(0) + "'");
    };
  }

  private static int intArg(Directive d, int index, int min, long max) throws ConfigException {
    if (index == 0) {
      arity(d, 1, d.name().equals("listener") ? 2 : 1);
    }
    String s = d.args().get(index);
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw error(d, "'" + s + "' is not a whole number");
    }
    if (v < min || v > max) {
      throw error(d, s + " is out of range " + min + ".." + max);
    }
    return (int) v;
  }

  private static Duration duration(Directive d, String s) throws ConfigException {
    if (s.length() < 2) {
      throw error(d, "'" + s + "' is not a duration; write e.g. 12h, 2d, 1w, 6m or 1y");
    }
    char unit = s.charAt(s.length() - 1);
    long n;
    try {
      n = Long.parseLong(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      throw error(d, "'" + s + "' is not a duration; write e.g. 12h, 2d, 1w, 6m or 1y");
    }
    if (n <= 0 || n > 100_000) {
      throw error(d, "'" + s + "' must be a positive number of units");
    }
    return switch (unit) {
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      case 'w' -> Duration.ofDays(7 * n);
      case 'm' -> Duration.ofDays(30 * n);
      case 'y' -> Duration.ofDays(365 * n);
      default ->
          throw error(
              d, "'" + s + "' has unknown unit '" + unit + "'; use h, d, w, m (months) or y");
    };
  }

  static ConfigException error(Directive d, String what) {
    return new ConfigException(d.where() + ": " + what);
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }

  private static final class ListenerDraft {
    int port;
    Optional<String> address;
    final Path baseDir;
    final List<Directive> tls = new ArrayList<>();

    /** {@code FILE:LINE: listener} of its listener line; null for the default listener. */
    String line;

    ListenerDraft(int port, Optional<String> address, Path baseDir) {
      this.port = port;
      this.address = address;
      this.baseDir = baseDir;
    }

    ListenerConfig toConfig(Optional<String> addr) {
      return new ListenerConfig(port, addr, tls, baseDir);
    }
  }
}
