package dev.mqttls.conf;

import static dev.mqttls.conf.DirectiveSpec.Kind.BYTES;
import static dev.mqttls.conf.DirectiveSpec.Kind.FLAG;
import static dev.mqttls.conf.DirectiveSpec.Kind.INTEGER;
import static dev.mqttls.conf.DirectiveSpec.Kind.PATH;
import static dev.mqttls.conf.DirectiveSpec.Kind.PERIOD;
import static dev.mqttls.conf.DirectiveSpec.Kind.STRING;
import static dev.mqttls.conf.DirectiveSpec.Kind.TIMEOUT;
import static dev.mqttls.conf.DirectiveSpec.Kind.WORD;
import static dev.mqttls.conf.DirectiveSpec.Kind.WORDS;
import static dev.mqttls.conf.DirectiveSpec.Section.BRIDGE;
import static dev.mqttls.conf.DirectiveSpec.Section.GLOBAL;
import static dev.mqttls.conf.DirectiveSpec.Section.LISTENER;
import static dev.mqttls.conf.DirectiveSpec.Support.IGNORED;
import static dev.mqttls.conf.DirectiveSpec.Support.NOT_YET;
import static dev.mqttls.conf.DirectiveSpec.Support.SUPPORTED;

import dev.mqttls.conf.DirectiveSpec.Kind;
import dev.mqttls.conf.DirectiveSpec.Section;
import dev.mqttls.conf.DirectiveSpec.Support;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every directive mqttls knows, with its section, value form, support and mosquitto's meaning. The
 * broker reads a file by this catalogue and the doctor lints by it, so the two cannot disagree on
 * which directives exist. A name not here is an unknown directive.
 */
public final class Catalogue {
  /** The largest MQTT packet: a remaining length of 268,435,455 plus a 5-byte fixed header. */
  public static final long MQTT_MAX_PACKET_SIZE = 268_435_455L + 5;

  /** Prefix of mosquitto's plugin options ({@code plugin_opt_NAME VALUE}). */
  public static final String PLUGIN_OPT_PREFIX = "plugin_opt_";

  private static final Map<String, DirectiveSpec> ALL = build();

  private Catalogue() {}

  /** The directive called {@code name}, if the catalogue knows it. */
  public static Optional<DirectiveSpec> lookup(String name) {
    DirectiveSpec s = ALL.get(name);
    if (s == null
        && name.startsWith(PLUGIN_OPT_PREFIX)
        && name.length() > PLUGIN_OPT_PREFIX.length()) {
      s = ALL.get(PLUGIN_OPT_PREFIX + "*");
    }
    return Optional.ofNullable(s);
  }

  /**
   * The directive {@code d} names.
   *
   * @throws ConfException {@code FILE:LINE: name: unknown directive} when the catalogue does not
   *     know it
   */
  public static DirectiveSpec spec(Directive d) throws ConfException {
    Optional<DirectiveSpec> s = lookup(d.name());
    if (s.isEmpty()) {
      throw d.error("unknown directive");
    }
    return s.get();
  }

  /** Every entry, in the catalogue's order ({@code plugin_opt_*} stands for all its names). */
  public static Collection<DirectiveSpec> all() {
    return ALL.values();
  }

  /** Whether the broker starts with {@code name} in its file: known and not refused. */
  public static boolean accepted(String name) {
    return lookup(name).map(DirectiveSpec::accepted).orElse(false);
  }

  private static Map<String, DirectiveSpec> build() {
    Map<String, DirectiveSpec> m = new LinkedHashMap<>();
    // ---- listeners ----
    put(
        m,
        "listener",
        GLOBAL,
        WORDS,
        SUPPORTED,
        "8883",
        "Listen on PORT [ADDRESS]; the settings below it belong to it.");
    put(
        m,
        "port",
        GLOBAL,
        INTEGER,
        SUPPORTED,
        0,
        65535,
        "1883",
        "Port of the default listener (deprecated: use listener).");
    put(
        m,
        "bind_address",
        GLOBAL,
        WORD,
        SUPPORTED,
        "127.0.0.1",
        "Address of the default listener (deprecated: use listener).");
    put(
        m,
        "include_dir",
        GLOBAL,
        PATH,
        SUPPORTED,
        "conf.d",
        "Read the *.conf files of this directory here, from the main file only.");
    // ---- security ----
    put(
        m,
        "allow_anonymous",
        GLOBAL,
        FLAG,
        SUPPORTED,
        "false",
        "Whether clients without a user name may connect.");
    put(
        m,
        "per_listener_settings",
        GLOBAL,
        FLAG,
        SUPPORTED,
        "false",
        "Whether security settings apply per listener (mqttls: false only).");
    put(
        m,
        "password_file",
        GLOBAL,
        PATH,
        SUPPORTED,
        "passwd",
        "User names and hashed passwords (mosquitto_passwd format).");
    put(
        m,
        "acl_file",
        GLOBAL,
        PATH,
        SUPPORTED,
        "acl",
        "Which user may read and write which topics.");
    put(
        m,
        "allow_zero_length_clientid",
        GLOBAL,
        FLAG,
        SUPPORTED,
        "true",
        "Whether an empty client id gets an assigned one.");
    // ---- limits ----
    put(
        m,
        "max_inflight_messages",
        GLOBAL,
        INTEGER,
        SUPPORTED,
        0,
        65535,
        "20",
        "Outgoing QoS 1/2 messages in flight per client; 0 means no limit.");
    put(
        m,
        "max_queued_messages",
        GLOBAL,
        INTEGER,
        SUPPORTED,
        0,
        Integer.MAX_VALUE,
        "1000",
        "Messages queued per client beyond those in flight.");
    put(
        m,
        "message_size_limit",
        GLOBAL,
        BYTES,
        SUPPORTED,
        0,
        268_435_455,
        "1000000",
        "Largest PUBLISH payload accepted, in bytes; 0 means no limit.");
    put(
        m,
        "max_packet_size",
        GLOBAL,
        BYTES,
        SUPPORTED,
        0,
        MQTT_MAX_PACKET_SIZE,
        "2000000",
        "Largest packet accepted from a client, in bytes; 0 means the protocol maximum.");
    put(
        m,
        "max_keepalive",
        GLOBAL,
        INTEGER,
        SUPPORTED,
        0,
        65535,
        "120",
        "Largest keep-alive a client may ask for, in seconds.");
    put(
        m,
        "max_connections",
        GLOBAL,
        INTEGER,
        SUPPORTED,
        -1,
        Integer.MAX_VALUE,
        "-1",
        "Most simultaneous clients; -1 means no limit.");
    put(
        m,
        "persistent_client_expiration",
        GLOBAL,
        PERIOD,
        SUPPORTED,
        "14d",
        "Remove persistent sessions disconnected for longer than this.");
    put(
        m,
        "retain_available",
        GLOBAL,
        FLAG,
        SUPPORTED,
        "true",
        "Whether retained messages are supported.");
    // ---- persistence ----
    put(
        m,
        "persistence",
        GLOBAL,
        FLAG,
        SUPPORTED,
        "true",
        "Keep sessions and retained messages on disk across restarts.");
    put(
        m,
        "persistence_location",
        GLOBAL,
        PATH,
        SUPPORTED,
        "data",
        "Directory of the persistence store.");
    put(
        m,
        "persistence_file",
        GLOBAL,
        WORD,
        SUPPORTED,
        "mqttls.db",
        "Name of the persistence store inside its location.");
    put(
        m,
        "autosave_interval",
        GLOBAL,
        INTEGER,
        IGNORED,
        0,
        Integer.MAX_VALUE,
        "1800",
        "Seconds between saves (mqttls writes every change at once).");
    put(
        m,
        "autosave_on_changes",
        GLOBAL,
        FLAG,
        IGNORED,
        "false",
        "Count autosave_interval in changes (mqttls writes every change at once).");
    // ---- logging ----
    put(
        m,
        "log_type",
        GLOBAL,
        WORD,
        SUPPORTED,
        "error",
        "A category of lines to log: error ... debug, all or none.");
    put(
        m,
        "log_dest",
        GLOBAL,
        WORDS,
        SUPPORTED,
        "stderr",
        "Where to log: stdout, stderr, file PATH or none.");
    put(
        m,
        "connection_messages",
        GLOBAL,
        FLAG,
        IGNORED,
        "true",
        "Log clients connecting and disconnecting (mqttls always does).");
    // ---- process ----
    put(
        m,
        "set_tcp_nodelay",
        GLOBAL,
        FLAG,
        IGNORED,
        "true",
        "Disable Nagle's algorithm (always on in mqttls).");
    put(
        m,
        "user",
        GLOBAL,
        WORD,
        IGNORED,
        "mosquitto",
        "When started as root, drop to this user (mqttls never changes user).");
    // ---- TLS, per listener ----
    put(
        m,
        "cafile",
        LISTENER,
        PATH,
        SUPPORTED,
        "ca.crt",
        "PEM CA certificates that client certificates must chain to.");
    put(
        m,
        "capath",
        LISTENER,
        PATH,
        SUPPORTED,
        "certs",
        "Directory of hashed PEM CA certificates, as cafile.");
    put(
        m,
        "certfile",
        LISTENER,
        PATH,
        SUPPORTED,
        "server.crt",
        "The listener's PEM certificate chain; makes it a TLS listener.");
    put(m, "keyfile", LISTENER, PATH, SUPPORTED, "server.key", "The private key of certfile.");
    put(
        m,
        "keyfile_password",
        LISTENER,
        STRING,
        SUPPORTED,
        "env:KEY_PASSWORD",
        "Password of an encrypted keyfile (mqttls: file:, env: or literal).");
    put(
        m,
        "require_certificate",
        LISTENER,
        FLAG,
        SUPPORTED,
        "true",
        "Clients must present a certificate that verifies.");
    put(
        m,
        "use_identity_as_username",
        LISTENER,
        FLAG,
        SUPPORTED,
        "true",
        "The client certificate's CN is the user name.");
    put(
        m,
        "use_subject_as_username",
        LISTENER,
        FLAG,
        SUPPORTED,
        "false",
        "The client certificate's subject is the user name.");
    put(m, "tls_version", LISTENER, WORD, SUPPORTED, "tlsv1.2", "The lowest TLS version accepted.");
    put(
        m,
        "ciphers",
        LISTENER,
        WORD,
        SUPPORTED,
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLS 1.2 cipher suites, OpenSSL list syntax.");
    put(
        m,
        "ciphers_tls1.3",
        LISTENER,
        WORD,
        SUPPORTED,
        "TLS_AES_128_GCM_SHA256",
        "TLS 1.3 cipher suites.");
    put(
        m,
        "crlfile",
        LISTENER,
        PATH,
        SUPPORTED,
        "ca.crl",
        "PEM certificate revocation list checked for client certificates.");
    put(
        m,
        "dhparamfile",
        LISTENER,
        PATH,
        SUPPORTED,
        "dh.pem",
        "Diffie-Hellman parameters for DHE suites.");
    put(
        m,
        "cert_identity",
        LISTENER,
        WORD,
        SUPPORTED,
        "cn",
        "mqttls: which certificate field is the device identity.");
    put(
        m,
        "use_identity_as_clientid",
        LISTENER,
        FLAG,
        SUPPORTED,
        "false",
        "mqttls: the client id must equal the certificate identity.");
    put(
        m,
        "crl_expired",
        LISTENER,
        WORD,
        SUPPORTED,
        "warn",
        "mqttls: warn or refuse when a CRL is past its next update.");
    put(
        m,
        "sni_cert",
        LISTENER,
        WORDS,
        SUPPORTED,
        "broker.example a.crt a.key",
        "mqttls: another certificate for clients asking for a server name.");
    put(
        m,
        "alpn",
        LISTENER,
        WORDS,
        SUPPORTED,
        "mqtt",
        "mqttls: ALPN protocols accepted, comma-separated.");
    put(
        m,
        "tls_max_record_size",
        LISTENER,
        INTEGER,
        SUPPORTED,
        512,
        16384,
        "4096",
        "mqttls: cap on outgoing TLS records, in bytes.");
    put(
        m,
        "tls_send_root",
        LISTENER,
        FLAG,
        SUPPORTED,
        "false",
        "mqttls: also send a self-signed root at the end of certfile.");
    put(
        m,
        "tls_handshake_timeout",
        LISTENER,
        TIMEOUT,
        SUPPORTED,
        "10s",
        "mqttls: time allowed for a TLS handshake.");
    put(
        m,
        "max_connection_rate",
        LISTENER,
        WORD,
        SUPPORTED,
        "20/s",
        "mqttls: new connections per source address per second.");
    put(
        m,
        "tls_engine",
        LISTENER,
        WORD,
        SUPPORTED,
        "openssl",
        "TLS engine; mqttls: openssl or jdk.");
    // ---- known from mosquitto, not yet in mqttls ----
    put(
        m,
        "auth_plugin",
        GLOBAL,
        PATH,
        NOT_YET,
        "auth.so",
        "Load an authentication plugin (deprecated: use plugin).");
    put(m, "plugin", GLOBAL, PATH, NOT_YET, "plugin.so", "Load a plugin.");
    put(
        m,
        PLUGIN_OPT_PREFIX + "*",
        GLOBAL,
        STRING,
        NOT_YET,
        "value",
        "An option passed to the plugin above.");
    put(
        m,
        "protocol",
        LISTENER,
        WORD,
        NOT_YET,
        "websockets",
        "The listener's protocol: mqtt or websockets.");
    put(
        m,
        "http_dir",
        LISTENER,
        PATH,
        NOT_YET,
        "www",
        "Serve files from this directory on a websockets listener.");
    put(
        m,
        "websockets_log_level",
        GLOBAL,
        INTEGER,
        NOT_YET,
        0,
        Integer.MAX_VALUE,
        "0",
        "libwebsockets' log level.");
    put(
        m,
        "sys_interval",
        GLOBAL,
        INTEGER,
        NOT_YET,
        0,
        Integer.MAX_VALUE,
        "10",
        "Seconds between $SYS topic updates.");
    put(m, "connection", GLOBAL, WORD, NOT_YET, "bridge-1", "Start a bridge to another broker.");
    put(
        m,
        "address",
        BRIDGE,
        WORDS,
        NOT_YET,
        "broker.example:1883",
        "The remote broker(s) of the bridge above.");
    put(
        m,
        "max_queued_bytes",
        GLOBAL,
        BYTES,
        NOT_YET,
        0,
        Long.MAX_VALUE,
        "0",
        "Bytes queued per client beyond those in flight.");
    put(
        m,
        "max_inflight_bytes",
        GLOBAL,
        BYTES,
        NOT_YET,
        0,
        Long.MAX_VALUE,
        "0",
        "Outgoing QoS 1/2 bytes in flight per client.");
    put(
        m,
        "memory_limit",
        GLOBAL,
        BYTES,
        NOT_YET,
        0,
        Long.MAX_VALUE,
        "0",
        "Most heap the broker may use, in bytes.");
    put(
        m,
        "queue_qos0_messages",
        GLOBAL,
        FLAG,
        NOT_YET,
        "false",
        "Queue QoS 0 messages for disconnected persistent clients.");
    put(
        m,
        "upgrade_outgoing_qos",
        GLOBAL,
        FLAG,
        NOT_YET,
        "false",
        "Send messages at the subscription's QoS, not the publisher's.");
    put(
        m,
        "use_username_as_clientid",
        LISTENER,
        FLAG,
        NOT_YET,
        "false",
        "Replace the client id with the user name.");
    put(m, "auto_id_prefix", GLOBAL, WORD, NOT_YET, "auto-", "Prefix of assigned client ids.");
    put(
        m,
        "clientid_prefixes",
        GLOBAL,
        WORD,
        NOT_YET,
        "secure-",
        "Only client ids with this prefix may connect.");
    put(
        m,
        "check_retain_source",
        GLOBAL,
        FLAG,
        NOT_YET,
        "false",
        "Re-check a retained message's publisher against the ACL.");
    put(
        m,
        "allow_duplicate_messages",
        GLOBAL,
        FLAG,
        NOT_YET,
        "true",
        "Deliver a message once per overlapping subscription.");
    put(
        m,
        "mount_point",
        LISTENER,
        WORD,
        NOT_YET,
        "tenant/",
        "Prefix every topic of the listener's clients.");
    put(m, "socket_domain", LISTENER, WORD, NOT_YET, "ipv4", "Listen on IPv4 or IPv6 only.");
    put(
        m,
        "bind_interface",
        LISTENER,
        WORD,
        NOT_YET,
        "eth0",
        "Listen on this network interface only.");
    put(
        m,
        "accept_protocol_versions",
        LISTENER,
        WORD,
        NOT_YET,
        "5",
        "MQTT versions the listener accepts.");
    put(
        m,
        "psk_hint",
        LISTENER,
        WORD,
        NOT_YET,
        "hint",
        "Enable TLS-PSK on the listener with this hint.");
    put(m, "psk_file", GLOBAL, PATH, NOT_YET, "psk", "Identities and pre-shared keys for TLS-PSK.");
    put(m, "tls_keyform", LISTENER, WORD, NOT_YET, "pem", "Form of keyfile: pem or engine.");
    put(
        m,
        "tls_engine_kpass_sha1",
        LISTENER,
        WORD,
        NOT_YET,
        "0",
        "SHA-1 of the engine's key password.");
    return Collections.unmodifiableMap(m);
  }

  private static void bridge(
      Map<String, DirectiveSpec> m, String name, Kind kind, String example, String meaning) {
    long max = kind == INTEGER ? Integer.MAX_VALUE : 0;
    put(m, name, BRIDGE, kind, NOT_YET, 0, max, example, meaning);
  }

  private static void put(
      Map<String, DirectiveSpec> m,
      String name,
      Section section,
      Kind kind,
      Support support,
      String example,
      String meaning) {
    put(m, name, section, kind, support, 0, 0, example, meaning);
  }

  private static void put(
      Map<String, DirectiveSpec> m,
      String name,
      Section section,
      Kind kind,
      Support support,
      long min,
      long max,
      String example,
      String meaning) {
    if (m.put(name, new DirectiveSpec(name, section, kind, support, min, max, example, meaning))
        != null) {
      throw new IllegalStateException("catalogue lists " + name + " twice");
    }
  }
}
