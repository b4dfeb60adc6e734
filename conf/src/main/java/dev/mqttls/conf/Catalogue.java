package dev.mqttls.conf;

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
 *
 * <p>It lists every directive of mosquitto 2.0's mosquitto.conf(5), plus mqttls's own TLS
 * directives; those mqttls does not implement are {@link Support#NOT_YET}, so that "unknown
 * directive" always means a name nobody knows (usually a typo).
 */
public final class Catalogue {
  /** The largest MQTT packet: a remaining length of 268,435,455 plus a 5-byte fixed header. */
  public static final long MQTT_MAX_PACKET_SIZE = 268_435_455L + 5;

  /** Prefix of mosquitto's plugin options ({@code plugin_opt_NAME VALUE}). */
  public static final String PLUGIN_OPT_PREFIX = "plugin_opt_";

  /**
   * One directive per line: {@code name | section | kind [min..max] | support | example | meaning}.
   * A table rather than code, so that it reads as the reference it is.
   */
  private static final String TABLE =
      """
      listener | GLOBAL | WORDS | SUPPORTED | mosquitto | 8883 | Listen on PORT [ADDRESS]; the settings below it belong to it.
      port | GLOBAL | INTEGER 0..65535 | SUPPORTED | mosquitto | 1883 | Port of the default listener (deprecated: use listener).
      bind_address | GLOBAL | WORD | SUPPORTED | mosquitto | 127.0.0.1 | Address of the default listener (deprecated: use listener).
      include_dir | GLOBAL | PATH | SUPPORTED | mosquitto | conf.d | Read the *.conf files of this directory here, from the main file only.
      allow_anonymous | GLOBAL | FLAG | SUPPORTED | mosquitto | false | Whether clients without a user name may connect.
      per_listener_settings | GLOBAL | FLAG | SUPPORTED | mosquitto | false | Whether allow_anonymous, password_file, acl_file and allow_zero_length_clientid apply per listener.
      password_file | GLOBAL | PATH | SUPPORTED | mosquitto | passwd | User names and hashed passwords (mosquitto_passwd format).
      acl_file | GLOBAL | PATH | SUPPORTED | mosquitto | acl | Which user may read and write which topics.
      allow_zero_length_clientid | GLOBAL | FLAG | SUPPORTED | mosquitto | true | Whether an empty client id gets an assigned one.
      max_inflight_messages | GLOBAL | INTEGER 0..65535 | SUPPORTED | mosquitto | 20 | Outgoing QoS 1/2 messages in flight per client; 0 means no limit.
      max_queued_messages | GLOBAL | INTEGER 0..2147483647 | SUPPORTED | mosquitto | 1000 | Messages queued per client beyond those in flight.
      max_queued_bytes | GLOBAL | BYTES 0..9223372036854775807 | SUPPORTED | mosquitto | 67108864 | Payload bytes queued per client beyond those in flight; 0: no byte limit.
      max_topic_levels | GLOBAL | INTEGER 1..32768 | SUPPORTED | mqttls | 128 | Most levels in a topic name or filter.
      max_topic_bytes | GLOBAL | INTEGER 1..65535 | SUPPORTED | mqttls | 65535 | Most UTF-8 bytes in a topic name or filter.
      max_subscriptions | GLOBAL | INTEGER 0..2147483647 | SUPPORTED | mqttls | 1000 | Most subscriptions one client may hold; 0 means no limit.
      message_size_limit | GLOBAL | BYTES 0..268435455 | SUPPORTED | mosquitto | 1000000 | Largest PUBLISH payload accepted, in bytes; 0 means no limit.
      max_packet_size | GLOBAL | BYTES 0..268435460 | SUPPORTED | mosquitto | 2000000 | Largest packet accepted from a client, in bytes; 0 means the protocol maximum.
      max_keepalive | GLOBAL | INTEGER 0..65535 | SUPPORTED | mosquitto | 120 | Largest keep-alive a client may ask for, in seconds.
      max_connections | GLOBAL | INTEGER -1..2147483647 | SUPPORTED | mosquitto | -1 | Most simultaneous clients; -1 means no limit.
      persistent_client_expiration | GLOBAL | PERIOD | SUPPORTED | mosquitto | 14d | Remove persistent sessions disconnected for longer than this.
      retain_available | GLOBAL | FLAG | SUPPORTED | mosquitto | true | Whether retained messages are supported.
      persistence | GLOBAL | FLAG | SUPPORTED | mosquitto | true | Keep sessions and retained messages on disk across restarts.
      persistence_location | GLOBAL | PATH | SUPPORTED | mosquitto | data | Directory of the persistence store.
      persistence_file | GLOBAL | WORD | SUPPORTED | mosquitto | mqttls.db | Name of the persistence store inside its location.
      persistence_sync | GLOBAL | WORD | SUPPORTED | mqttls | batch | none, batch or always: whether an acknowledgement waits for an fsync of the store.
      autosave_interval | GLOBAL | INTEGER 0..2147483647 | IGNORED | mosquitto | 1800 | Seconds between saves (mqttls writes every change at once).
      autosave_on_changes | GLOBAL | FLAG | IGNORED | mosquitto | false | Count autosave_interval in changes (mqttls writes every change at once).
      log_type | GLOBAL | WORD | SUPPORTED | mosquitto | error | A category of lines to log: error ... debug, all or none.
      log_dest | GLOBAL | WORDS | SUPPORTED | mosquitto | stderr | Where to log: stdout, stderr, file PATH or none.
      connection_messages | GLOBAL | FLAG | IGNORED | mosquitto | true | Log clients connecting and disconnecting (mqttls always does).
      set_tcp_nodelay | GLOBAL | FLAG | IGNORED | mosquitto | true | Disable Nagle's algorithm (always on in mqttls).
      user | GLOBAL | WORD | IGNORED | mosquitto | mosquitto | When started as root, drop to this user (mqttls never changes user).
      cafile | LISTENER | PATH | SUPPORTED | mosquitto | ca.crt | PEM CA certificates that client certificates must chain to.
      capath | LISTENER | PATH | SUPPORTED | mosquitto | certs | Directory of hashed PEM CA certificates, as cafile.
      certfile | LISTENER | PATH | SUPPORTED | mosquitto | server.crt | The listener's PEM certificate chain; makes it a TLS listener.
      keyfile | LISTENER | PATH | SUPPORTED | mosquitto | server.key | The private key of certfile.
      keyfile_password | LISTENER | STRING | SUPPORTED | mqttls | env:KEY_PASSWORD | Password of an encrypted keyfile: file:PATH, env:NAME or the password.
      require_certificate | LISTENER | FLAG | SUPPORTED | mosquitto | true | Clients must present a certificate that verifies.
      use_identity_as_username | LISTENER | FLAG | SUPPORTED | mosquitto | true | The client certificate's CN is the user name.
      use_subject_as_username | LISTENER | FLAG | SUPPORTED | mosquitto | false | The client certificate's subject is the user name.
      tls_version | LISTENER | WORD | SUPPORTED | mosquitto | tlsv1.2 | The lowest TLS version accepted.
      ciphers | LISTENER | WORD | SUPPORTED | mosquitto | ECDHE-ECDSA-AES128-GCM-SHA256 | TLS 1.2 cipher suites, OpenSSL list syntax.
      ciphers_tls1.3 | LISTENER | WORD | SUPPORTED | mosquitto | TLS_AES_128_GCM_SHA256 | TLS 1.3 cipher suites.
      crlfile | LISTENER | PATH | SUPPORTED | mosquitto | ca.crl | PEM certificate revocation list checked for client certificates.
      dhparamfile | LISTENER | PATH | SUPPORTED | mosquitto | dh.pem | Diffie-Hellman parameters for DHE suites.
      cert_identity | LISTENER | WORD | SUPPORTED | mqttls | cn | Which certificate field is the device identity.
      use_identity_as_clientid | LISTENER | FLAG | SUPPORTED | mqttls | false | The client id must equal the certificate identity.
      crl_expired | LISTENER | WORD | SUPPORTED | mqttls | warn | Warn or refuse when a CRL is past its next update.
      sni_cert | LISTENER | WORDS | SUPPORTED | mqttls | broker.example a.crt a.key | Another certificate for clients asking for a server name.
      alpn | LISTENER | WORDS | SUPPORTED | mqttls | mqtt | ALPN protocols accepted, comma-separated.
      tls_max_chain_depth | LISTENER | INTEGER 2..100 | SUPPORTED | mqttls | 20 | Most certificates in a client's chain, leaf included.
      tls_max_record_size | LISTENER | INTEGER 512..16384 | SUPPORTED | mqttls | 4096 | Cap on outgoing TLS records, in bytes.
      tls_send_root | LISTENER | FLAG | SUPPORTED | mqttls | false | Also send a self-signed root at the end of certfile.
      tls_handshake_timeout | LISTENER | TIMEOUT | SUPPORTED | mqttls | 10s | Time allowed for a TLS handshake.
      max_connection_rate | LISTENER | WORD | SUPPORTED | mqttls | 20/s | New connections per source address per second.
      cluster_name | GLOBAL | WORD | SUPPORTED | mqttls | fleet-a | Turn clustering on; nodes with the same name join (read by the cluster module).
      cluster_node_name | GLOBAL | WORD | SUPPORTED | mqttls | node-1 | This node's name in the cluster; default host name and port.
      cluster_bind | GLOBAL | WORD | SUPPORTED | mqttls | 127.0.0.1:7800 | ADDRESS:PORT for node-to-node traffic.
      cluster_peers | GLOBAL | WORDS | SUPPORTED | mqttls | 127.0.0.1:7800 127.0.0.1:7801 | ADDRESS:PORT of every node (static discovery).
      cluster_cafile | GLOBAL | PATH | SUPPORTED | mqttls | cluster-ca.crt | PEM CA certificates every node's certificate must chain to.
      cluster_certfile | GLOBAL | PATH | SUPPORTED | mqttls | node-1.crt | This node's PEM certificate chain for node-to-node mutual TLS.
      cluster_keyfile | GLOBAL | PATH | SUPPORTED | mqttls | node-1.key | The private key of cluster_certfile.
      cluster_backups | GLOBAL | INTEGER 0..8 | SUPPORTED | mqttls | 1 | Copies of each session's state besides its owner's.
      tls_engine | LISTENER | WORD | SUPPORTED | mosquitto | openssl | TLS engine; mqttls takes openssl or jdk.
      provision_ca_dir | GLOBAL | PATH | SUPPORTED | mqttls | mqttls-data/pki | Provisioning over MQTT: the CA directory that signs devices' CSRs (docs/provisioning.md).
      provision_claim_identity | GLOBAL | WORD | SUPPORTED | mqttls | factory-claim | A user name (a claim certificate's CN) that may only ask for a device certificate; repeatable.
      provision_id_pattern | GLOBAL | STRING | SUPPORTED | mqttls | sensor-[0-9]{1,6} | Regular expression every provisioned device id must match.
      provision_allow_list | GLOBAL | PATH | SUPPORTED | mqttls | devices.txt | File of the device ids that may be provisioned, one per line.
      provision_token_file | GLOBAL | PATH | SUPPORTED | mqttls | tokens.txt | One-time tokens, one per line: every provisioning request must carry an unused one.
      provision_key_types | GLOBAL | WORDS | SUPPORTED | mqttls | ec-p256 | Key types a CSR may hold: ec-p256, rsa-2048, rsa-3072, rsa-4096.
      provision_days | GLOBAL | INTEGER 1..36500 | SUPPORTED | mqttls | 365 | Days a provisioned or renewed certificate is valid.
      provision_rate | GLOBAL | WORD | SUPPORTED | mqttls | 50/s | Most provisioning and renewal requests answered per second; 0 means no limit.
      io_threads | GLOBAL | INTEGER 0..1024 | SUPPORTED | mqttls | 0 | Event loops serving the connections; 0 means two per core (Netty's default).
      sys_interval | GLOBAL | INTEGER 0..2147483647 | SUPPORTED | mosquitto | 10 | Seconds between $SYS topic updates; 0 turns $SYS off.
      cert_expiry_warning_days | GLOBAL | INTEGER 0..36500 | SUPPORTED | mqttls | 30 | Warn when a server certificate, CA, CRL or connected device certificate ends within this many days.
      http_listener | GLOBAL | WORDS | SUPPORTED | mqttls | 9090 127.0.0.1 | The admin HTTP listener (metrics, health, dashboard) on PORT [ADDRESS].
      http_certfile | GLOBAL | PATH | SUPPORTED | mqttls | admin.crt | PEM certificate chain that makes the admin listener HTTPS.
      http_keyfile | GLOBAL | PATH | SUPPORTED | mqttls | admin.key | The private key of http_certfile.
      http_password_file | GLOBAL | PATH | SUPPORTED | mqttls | admin-passwd | Users of the admin listener (mosquitto_passwd format), by basic authentication.
      auth_plugin | GLOBAL | PATH | NOT_YET | mosquitto | auth.so | Load an authentication plugin (deprecated: use plugin).
      auth_plugin_deny_special_chars | GLOBAL | FLAG | NOT_YET | mosquitto | true | Refuse + and # in user names and client ids given to auth plugins.
      plugin | GLOBAL | PATH | NOT_YET | mosquitto | plugin.so | Load a plugin.
      plugin_opt_* | GLOBAL | STRING | NOT_YET | mosquitto | value | An option passed to the plugin above.
      protocol | LISTENER | WORD | SUPPORTED | mosquitto | websockets | The listener's protocol: mqtt or websockets.
      http_dir | LISTENER | PATH | SUPPORTED | mosquitto | www | Serve files from this directory on a websockets listener.
      websockets_log_level | GLOBAL | INTEGER 0..2147483647 | SUPPORTED | mosquitto | 0 | libwebsockets' log level (accepted; mqttls has no libwebsockets).
      websockets_headers_size | GLOBAL | INTEGER 0..65535 | SUPPORTED | mosquitto | 4096 | Most bytes of HTTP headers in a WebSocket upgrade; 0 means 1024.
      max_inflight_bytes | GLOBAL | BYTES 0..9223372036854775807 | NOT_YET | mosquitto | 0 | Outgoing QoS 1/2 bytes in flight per client.
      memory_limit | GLOBAL | BYTES 0..9223372036854775807 | NOT_YET | mosquitto | 0 | Most heap the broker may use, in bytes.
      queue_qos0_messages | GLOBAL | FLAG | NOT_YET | mosquitto | false | Queue QoS 0 messages for disconnected persistent clients.
      upgrade_outgoing_qos | GLOBAL | FLAG | NOT_YET | mosquitto | false | Send messages at the subscription's QoS, not the publisher's.
      use_username_as_clientid | LISTENER | FLAG | SUPPORTED | mosquitto | false | Replace the client id with the user name.
      auto_id_prefix | GLOBAL | WORD | NOT_YET | mosquitto | auto- | Prefix of assigned client ids.
      clientid_prefixes | GLOBAL | WORD | NOT_YET | mosquitto | secure- | Only client ids with this prefix may connect.
      check_retain_source | GLOBAL | FLAG | NOT_YET | mosquitto | false | Re-check a retained message's publisher against the ACL.
      allow_duplicate_messages | GLOBAL | FLAG | NOT_YET | mosquitto | true | Deliver a message once per overlapping subscription.
      mount_point | LISTENER | WORD | NOT_YET | mosquitto | tenant/ | Prefix every topic of the listener's clients.
      socket_domain | LISTENER | WORD | NOT_YET | mosquitto | ipv4 | Listen on IPv4 or IPv6 only.
      bind_interface | LISTENER | WORD | NOT_YET | mosquitto | eth0 | Listen on this network interface only.
      accept_protocol_versions | LISTENER | WORD | NOT_YET | mosquitto | 5 | MQTT versions the listener accepts (since mosquitto 2.1).
      max_qos | LISTENER | INTEGER 0..2 | NOT_YET | mosquitto | 1 | Highest QoS clients of this listener may use.
      max_topic_alias | LISTENER | INTEGER 0..65535 | NOT_YET | mosquitto | 10 | Topic aliases an MQTT 5 client may create.
      psk_hint | LISTENER | WORD | SUPPORTED | mosquitto | hint | Enable TLS-PSK on the listener with this hint.
      psk_file | GLOBAL | PATH | SUPPORTED | mosquitto | psk | Identities and pre-shared keys for TLS-PSK.
      tls_keyform | LISTENER | WORD | NOT_YET | mosquitto | pem | Form of keyfile: pem or engine.
      tls_engine_kpass_sha1 | LISTENER | WORD | NOT_YET | mosquitto | 0 | SHA-1 of the engine's key password.
      pid_file | GLOBAL | PATH | NOT_YET | mosquitto | /run/mosquitto/mosquitto.pid | Write the broker's process id to this file.
      log_facility | GLOBAL | INTEGER 0..7 | NOT_YET | mosquitto | 0 | The syslog facility, LOG_LOCAL0 to LOG_LOCAL7.
      log_timestamp | GLOBAL | FLAG | NOT_YET | mosquitto | true | Whether log lines start with a timestamp.
      log_timestamp_format | GLOBAL | STRING | NOT_YET | mosquitto | %Y-%m-%dT%H:%M:%S | strftime format of the log timestamp.
      connection | GLOBAL | WORD | SUPPORTED | mosquitto | bridge-1 | Start a bridge to another broker; the bridge settings follow it.
      address | BRIDGE | WORDS | SUPPORTED | mosquitto | broker.example:1883 | The remote broker(s) of the bridge.
      addresses | BRIDGE | WORDS | SUPPORTED | mosquitto | broker.example:1883 | Same as address.
      bridge_alpn | BRIDGE | STRING | SUPPORTED | mosquitto | mqtt | ALPN protocol offered to the remote broker.
      bridge_attempt_unsubscribe | BRIDGE | FLAG | SUPPORTED | mosquitto | true | Unsubscribe from remote topics no longer bridged.
      bridge_bind_address | BRIDGE | WORD | SUPPORTED | mosquitto | 192.0.2.1 | Local address the bridge connects from.
      bridge_cafile | BRIDGE | PATH | SUPPORTED | mosquitto | ca.crt | CA certificates to verify the remote broker with.
      bridge_capath | BRIDGE | PATH | SUPPORTED | mosquitto | certs | Directory of CA certificates, as bridge_cafile.
      bridge_certfile | BRIDGE | PATH | SUPPORTED | mosquitto | bridge.crt | Certificate the bridge presents.
      bridge_identity | BRIDGE | WORD | NOT_YET | mosquitto | bridge | TLS-PSK identity of the bridge.
      bridge_insecure | BRIDGE | FLAG | SUPPORTED | mosquitto | false | Skip host name verification of the remote broker.
      bridge_keyfile | BRIDGE | PATH | SUPPORTED | mosquitto | bridge.key | Private key of bridge_certfile.
      bridge_max_packet_size | BRIDGE | INTEGER 0..2147483647 | SUPPORTED | mosquitto | 0 | Largest packet the bridge accepts from the remote broker.
      bridge_outgoing_retain | BRIDGE | FLAG | SUPPORTED | mosquitto | true | Keep the retain flag on messages sent to the remote broker.
      bridge_protocol_version | BRIDGE | WORD | SUPPORTED | mosquitto | mqttv311 | MQTT version the bridge speaks.
      bridge_psk | BRIDGE | WORD | NOT_YET | mosquitto | 00 | TLS-PSK key of the bridge, in hex.
      bridge_require_ocsp | BRIDGE | FLAG | NOT_YET | mosquitto | false | Require an OCSP response from the remote broker.
      bridge_tls_version | BRIDGE | WORD | SUPPORTED | mosquitto | tlsv1.2 | TLS version of the bridge connection.
      cleansession | BRIDGE | FLAG | SUPPORTED | mosquitto | false | Clean session flag of the bridge's remote connection.
      idle_timeout | BRIDGE | INTEGER 0..2147483647 | IGNORED | mosquitto | 60 | Seconds before a lazy bridge disconnects when idle (mqttls: no lazy start_type).
      keepalive_interval | BRIDGE | INTEGER 0..65535 | SUPPORTED | mosquitto | 60 | Keep-alive of the bridge's remote connection.
      local_cleansession | BRIDGE | FLAG | SUPPORTED | mosquitto | false | Clean session flag of the bridge's local connection.
      local_clientid | BRIDGE | WORD | SUPPORTED | mosquitto | bridge-local | Client id of the bridge's local connection.
      local_password | BRIDGE | STRING | SUPPORTED | mosquitto | secret | Password of the bridge's local connection.
      local_username | BRIDGE | WORD | SUPPORTED | mosquitto | bridge | User name of the bridge's local connection.
      notification_topic | BRIDGE | WORD | SUPPORTED | mosquitto | $SYS/broker/connection/x/state | Topic of the bridge's state notifications.
      notifications | BRIDGE | FLAG | SUPPORTED | mosquitto | true | Publish the bridge's connection state.
      notifications_local_only | BRIDGE | FLAG | SUPPORTED | mosquitto | false | Publish bridge notifications on the local broker only.
      remote_clientid | BRIDGE | WORD | SUPPORTED | mosquitto | bridge-remote | Client id of the bridge at the remote broker.
      remote_password | BRIDGE | STRING | SUPPORTED | mosquitto | secret | Password of the bridge at the remote broker.
      remote_username | BRIDGE | WORD | SUPPORTED | mosquitto | bridge | User name of the bridge at the remote broker.
      restart_timeout | BRIDGE | WORDS | SUPPORTED | mosquitto | 5 30 | Seconds before the bridge reconnects (base [cap]).
      round_robin | BRIDGE | FLAG | SUPPORTED | mosquitto | false | Cycle through the bridge's addresses rather than prefer the first.
      start_type | BRIDGE | WORD | SUPPORTED | mosquitto | automatic | When the bridge connects: automatic, lazy or once.
      threshold | BRIDGE | INTEGER 0..2147483647 | IGNORED | mosquitto | 10 | Queued messages that start a lazy bridge (mqttls: no lazy start_type).
      topic | BRIDGE | WORDS | SUPPORTED | mosquitto | sensors/# out 1 | A topic pattern the bridge carries, its direction and QoS.
      try_private | BRIDGE | FLAG | SUPPORTED | mosquitto | true | Tell the remote broker that this is a bridge.
      """;

  private static final Map<String, DirectiveSpec> ALL = parse(TABLE);

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

  private static Map<String, DirectiveSpec> parse(String table) {
    Map<String, DirectiveSpec> m = new LinkedHashMap<>();
    for (String row : table.strip().split("\n")) {
      String[] c = row.split("\\|", -1);
      if (c.length != 7) {
        throw new IllegalStateException("catalogue row needs 7 columns: " + row);
      }
      String name = c[0].strip();
      String[] kind = c[2].strip().split(" ");
      long min = 0;
      long max = 0;
      if (kind.length == 2) {
        String[] range = kind[1].split("\\.\\.");
        min = Long.parseLong(range[0]);
        max = Long.parseLong(range[1]);
      }
      DirectiveSpec s =
          new DirectiveSpec(
              name,
              Section.valueOf(c[1].strip()),
              Kind.valueOf(kind[0]),
              Support.valueOf(c[3].strip()),
              c[4].strip().equals("mosquitto"),
              min,
              max,
              c[5].strip(),
              c[6].strip());
      if (m.put(name, s) != null) {
        throw new IllegalStateException("catalogue lists " + name + " twice");
      }
    }
    return Collections.unmodifiableMap(m);
  }
}
