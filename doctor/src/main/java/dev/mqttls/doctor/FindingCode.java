package dev.mqttls.doctor;

import dev.mqttls.tls.HandshakeFailureCause;
import dev.mqttls.tls.verify.CertificateError;
import java.util.Optional;

/**
 * The doctor's stable finding codes. Scripts and tests match on these names; they are never
 * renamed, only added to. Each code belongs to one {@link Step}.
 */
public enum FindingCode {
  // 1. connect
  /** The host name resolved. */
  DNS_RESOLVED(Step.CONNECT),
  /** The host name did not resolve to any address. */
  DNS_UNRESOLVED(Step.CONNECT),
  /** A TCP connection was established. */
  TCP_CONNECTED(Step.CONNECT),
  /** The host answered, but nothing listens on the port (connection refused). */
  TCP_REFUSED(Step.CONNECT),
  /** No answer within the timeout: a firewall drops packets, or the host is down. */
  TCP_TIMEOUT(Step.CONNECT),
  /** The connection was reset or failed for another network reason. */
  TCP_FAILED(Step.CONNECT),

  // 2. protocol on the port
  /** The port speaks TLS, as expected. */
  PORT_SPEAKS_TLS(Step.PROTOCOL),
  /** The port speaks plain MQTT, as expected. */
  PORT_SPEAKS_MQTT(Step.PROTOCOL),
  /** The URL asked for TLS, but the port speaks plain MQTT. */
  PORT_PLAIN_GIVEN_AS_TLS(Step.PROTOCOL),
  /** The URL asked for plain MQTT, but the port speaks TLS. */
  PORT_TLS_GIVEN_AS_PLAIN(Step.PROTOCOL),
  /** The port answers with something that is neither TLS nor MQTT. */
  PORT_UNKNOWN_PROTOCOL(Step.PROTOCOL),
  /** The port accepted the connection but closed it or stayed silent. */
  PORT_SILENT(Step.PROTOCOL),

  // 3. TLS versions and suites
  /** The TLS handshake completed; the negotiated version, suite and ALPN are reported. */
  TLS_NEGOTIATED(Step.TLS_VERSIONS),
  /** The TLS handshake failed for a reason not covered by a more specific code. */
  TLS_HANDSHAKE_FAILED(Step.TLS_VERSIONS),
  /** The server accepts TLS 1.3. */
  TLS13_ACCEPTED(Step.TLS_VERSIONS),
  /** The server does not accept TLS 1.3. */
  TLS13_REFUSED(Step.TLS_VERSIONS),
  /** The server accepts TLS 1.2. */
  TLS12_ACCEPTED(Step.TLS_VERSIONS),
  /** The server does not accept TLS 1.2: older devices cannot connect. */
  TLS12_REFUSED(Step.TLS_VERSIONS),
  /** The server refuses the obsolete TLS 1.1 and 1.0, as it should. */
  TLS_LEGACY_REFUSED(Step.TLS_VERSIONS),
  /** The server still accepts TLS 1.1 or 1.0, which are deprecated (RFC 8996). */
  TLS_LEGACY_ACCEPTED(Step.TLS_VERSIONS),
  /** The server honours the max_fragment_length extension that small devices ask for. */
  TLS_MAX_FRAGMENT_LENGTH(Step.TLS_VERSIONS),
  /** How the server behaves with and without SNI (same certificate, another one, or refusal). */
  TLS_SNI(Step.TLS_VERSIONS),
  /** Whether the server selected the ALPN protocol offered with --tls-alpn. */
  TLS_ALPN(Step.TLS_VERSIONS),

  // 4. chain as sent
  /** One certificate of the chain as sent: subject, issuer, names, key, validity. */
  CHAIN_CERTIFICATE(Step.CHAIN),
  /** The chain is sent in order, each certificate followed by its issuer. */
  CHAIN_IN_ORDER(Step.CHAIN),
  /** The chain is not in order: some certificate is not followed by its issuer. */
  CHAIN_OUT_OF_ORDER(Step.CHAIN),
  /** The Certificate message is large; devices with small TLS buffers may not take it. */
  CHAIN_LARGE(Step.CHAIN),
  /** A certificate of the chain expires within 30 days. */
  CHAIN_EXPIRES_SOON(Step.CHAIN),

  // 5. verification
  /** The server certificate chains to a CA in the trusted CA file. */
  SERVER_TRUSTED(Step.VERIFY),
  /** The server certificate is self-signed and not in the trusted CA file. */
  SERVER_SELF_SIGNED(Step.VERIFY),
  /** The CA file holds the server's own certificate instead of the CA that issued it. */
  CAFILE_HOLDS_LEAF(Step.VERIFY),
  /** The server's certificate was issued by a different CA than the one in the CA file. */
  SERVER_WRONG_CA(Step.VERIFY),
  /**
   * The issuer of the last certificate sent is neither sent nor trusted: a missing intermediate.
   */
  SERVER_ISSUER_MISSING(Step.VERIFY),
  /** The chain reaches a trusted CA but does not validate (signature, constraints, usage). */
  SERVER_CHAIN_INVALID(Step.VERIFY),
  /** The server certificate (or one in its chain) has expired. */
  SERVER_CERT_EXPIRED(Step.VERIFY),
  /** The server certificate is not valid yet: the server's or this machine's clock is wrong. */
  SERVER_CERT_NOT_YET_VALID(Step.VERIFY),
  /** The name connected to is among the certificate's subject alternative names. */
  NAME_MATCHED(Step.VERIFY),
  /** The host name connected to is not among the certificate's DNS names. */
  NAME_MISMATCH(Step.VERIFY),
  /** The address connected to is an IP, and the certificate has no matching IP SAN. */
  IP_NOT_IN_SAN(Step.VERIFY),
  /** The IP matched only through an IP SAN, which mbedTLS 2.x devices do not match. */
  IP_SAN_ONLY(Step.VERIFY),
  /** The server certificate's extended key usage does not allow TLS server authentication. */
  SERVER_CERT_WRONG_USAGE(Step.VERIFY),
  /** The trusted CA file could not be read. */
  CAFILE_UNREADABLE(Step.VERIFY),

  // 6. client authentication
  /** The server did not ask for a client certificate. */
  CLIENT_CERT_NOT_REQUESTED(Step.CLIENT_AUTH),
  /** The server asked for a client certificate and named the CAs it accepts. */
  CLIENT_CERT_REQUESTED(Step.CLIENT_AUTH),
  /** The server requires a client certificate, and none was sent. */
  CLIENT_CERT_REQUIRED(Step.CLIENT_AUTH),
  /** Our client certificate was sent and accepted. */
  CLIENT_CERT_ACCEPTED(Step.CLIENT_AUTH),
  /** The server refuses clients that present no certificate. */
  CLIENT_CERT_ENFORCED(Step.CLIENT_AUTH),
  /** The server asks for a certificate but lets clients without one in. */
  CLIENT_CERT_OPTIONAL(Step.CLIENT_AUTH),
  /** The server does not trust the CA that issued our client certificate. */
  CLIENT_CERT_UNTRUSTED(Step.CLIENT_AUTH),
  /** The server says our client certificate is revoked. */
  CLIENT_CERT_REVOKED(Step.CLIENT_AUTH),
  /** The server says our client certificate has expired (or is not valid yet). */
  CLIENT_CERT_EXPIRED(Step.CLIENT_AUTH),
  /** The server refused our client certificate for its key usage or extended key usage. */
  CLIENT_CERT_WRONG_USAGE(Step.CLIENT_AUTH),
  /** The server refused our client certificate for another reason. */
  CLIENT_CERT_REJECTED(Step.CLIENT_AUTH),
  /** The client private key does not belong to the client certificate. */
  CLIENT_KEY_MISMATCH(Step.CLIENT_AUTH),
  /** The client certificate or key file could not be read. */
  CLIENT_FILES_UNREADABLE(Step.CLIENT_AUTH),

  // 7. MQTT
  /** The broker accepted the CONNECT. */
  MQTT_CONNECTED(Step.MQTT),
  /** The broker refused the user name or password. */
  MQTT_BAD_CREDENTIALS(Step.MQTT),
  /** The broker refused the connection as not authorized. */
  MQTT_NOT_AUTHORIZED(Step.MQTT),
  /** The broker refused the client identifier. */
  MQTT_CLIENT_ID_REJECTED(Step.MQTT),
  /** The broker says it is unavailable or busy. */
  MQTT_SERVER_UNAVAILABLE(Step.MQTT),
  /** The broker refused the MQTT protocol version. */
  MQTT_PROTOCOL_REFUSED(Step.MQTT),
  /** The broker refused the CONNECT with another reason code. */
  MQTT_CONNECT_REFUSED(Step.MQTT),
  /** The broker closed the connection or sent no CONNACK. */
  MQTT_NO_CONNACK(Step.MQTT),
  /** Subscribe and publish on the private test topic made the round trip. */
  MQTT_ROUND_TRIP(Step.MQTT),
  /** The broker refused the subscription to the test topic (ACL). */
  MQTT_SUBSCRIBE_DENIED(Step.MQTT),
  /** The broker refused the publish to the test topic (ACL). */
  MQTT_PUBLISH_DENIED(Step.MQTT),
  /** The published test message did not come back: an ACL drops it silently. */
  MQTT_MESSAGE_LOST(Step.MQTT),
  /** The MQTT steps were not attempted because an earlier step failed. */
  MQTT_SKIPPED(Step.MQTT),

  // 8. cost
  /** Handshake time and bytes, and TLS bytes per small message. */
  COST_HANDSHAKE(Step.COST),
  /** A second connection resumed the TLS session. */
  COST_RESUMPTION(Step.COST),
  /** A second connection could not resume the TLS session. */
  COST_NO_RESUMPTION(Step.COST),

  // configuration lint
  /** The configuration file could not be read at all. */
  CONFIG_UNREADABLE(Step.CONFIG),
  /** A file named by the configuration does not exist. */
  CONFIG_FILE_MISSING(Step.CONFIG),
  /** A file exists but the broker's user cannot read it. */
  CONFIG_FILE_NOT_READABLE(Step.CONFIG),
  /** A file does not hold what the directive expects (no certificate, no key, no CRL). */
  CONFIG_FILE_INVALID(Step.CONFIG),
  /** The private key does not belong to the certificate. */
  CONFIG_KEY_MISMATCH(Step.CONFIG),
  /** The certificate does not chain to the configured CA file. */
  CONFIG_CHAIN_BROKEN(Step.CONFIG),
  /** A certificate has expired or is not yet valid. */
  CONFIG_CERT_EXPIRED(Step.CONFIG),
  /** A certificate expires within 30 days. */
  CONFIG_CERT_EXPIRES_SOON(Step.CONFIG),
  /** The CRL's nextUpdate has passed or is near: peers may reject it as stale. */
  CONFIG_CRL_STALE(Step.CONFIG),
  /** The listener allows a TLS version below 1.2. */
  CONFIG_TLS_VERSION_OLD(Step.CONFIG),
  /** The cipher list allows weak suites. */
  CONFIG_CIPHERS_WEAK(Step.CONFIG),
  /** The cipher list has no suite the certificate's key can serve ("no shared cipher"). */
  CONFIG_CIPHERS_KEY_MISMATCH(Step.CONFIG),
  /** require_certificate is set, but there is no cafile or capath to verify clients with. */
  CONFIG_REQUIRE_CERT_WITHOUT_CA(Step.CONFIG),
  /** use_identity_as_username (or subject) is set without require_certificate true. */
  CONFIG_IDENTITY_WITHOUT_REQUIRE_CERT(Step.CONFIG),
  /** A TLS directive is given without a certfile/keyfile pair, so the listener is not TLS. */
  CONFIG_TLS_INCOMPLETE(Step.CONFIG),
  /** Days left for each certificate of a listener and until its CRL's nextUpdate. */
  CONFIG_EXPIRY(Step.CONFIG),
  /** A directive the linter does not follow (include_dir), so its files were not checked. */
  CONFIG_NOT_FOLLOWED(Step.CONFIG),
  /** The certfile's certificates are not in order (server certificate first, then each issuer). */
  CONFIG_CHAIN_ORDER(Step.CONFIG),
  /** The server certificate cannot serve TLS servers: no serverAuth usage, or no names to match. */
  CONFIG_CERT_UNSUITABLE(Step.CONFIG),
  /** The private key file can be read by other users of the machine. */
  CONFIG_KEY_EXPOSED(Step.CONFIG),
  /** One listener's TLS material checked out. */
  CONFIG_LISTENER_OK(Step.CONFIG),
  /** A directive the mqttls broker does not know: it refuses to start with it. */
  CONFIG_DIRECTIVE_UNKNOWN(Step.CONFIG),
  /** A mosquitto directive the mqttls broker does not support yet: it refuses to start with it. */
  CONFIG_DIRECTIVE_UNSUPPORTED(Step.CONFIG),
  /** A directive's value the mqttls broker refuses (not a number, out of range, ...). */
  CONFIG_DIRECTIVE_INVALID(Step.CONFIG),
  /** Which user the files were checked as readable by, when another user may be meant. */
  CONFIG_CHECKED_AS_USER(Step.CONFIG);

  private final Step step;

  FindingCode(Step step) {
    this.step = step;
  }

  /** The step this code belongs to. */
  public Step step() {
    return step;
  }

  /**
   * The finding for a server certificate the one verifier refused with {@code error}: the doctor's
   * one mapping from the shared {@link CertificateError} set.
   *
   * @param chainEndsAtRoot whether the chain as sent ends at a self-signed root (then an unknown
   *     issuer means the devices hold another CA, not that an intermediate is missing)
   * @param connectedToIp whether the name connected to is an IP address
   */
  public static FindingCode ofServerCertificate(
      CertificateError error, boolean chainEndsAtRoot, boolean connectedToIp) {
    return switch (error) {
      case SELF_SIGNED -> SERVER_SELF_SIGNED;
      case ISSUER_KEY_MISMATCH -> SERVER_WRONG_CA;
      case UNKNOWN_ISSUER -> chainEndsAtRoot ? SERVER_WRONG_CA : SERVER_ISSUER_MISSING;
      case EXPIRED -> SERVER_CERT_EXPIRED;
      case NOT_YET_VALID -> SERVER_CERT_NOT_YET_VALID;
      case WRONG_PURPOSE -> SERVER_CERT_WRONG_USAGE;
      case NAME_MISMATCH -> connectedToIp ? IP_NOT_IN_SAN : NAME_MISMATCH;
      default -> SERVER_CHAIN_INVALID;
    };
  }

  /**
   * The cause our broker's log names for the same failure seen from the server's side, so that a
   * finding and a broker log line can be matched; empty when the broker sees nothing specific.
   * Failures of server verification show in the broker's log as the device's alert.
   */
  public Optional<HandshakeFailureCause> brokerLogCause() {
    return Optional.ofNullable(
        switch (this) {
          case CLIENT_CERT_REQUIRED -> HandshakeFailureCause.NO_CLIENT_CERTIFICATE;
          case CLIENT_CERT_UNTRUSTED -> HandshakeFailureCause.CLIENT_CERT_UNTRUSTED_ISSUER;
          case CLIENT_CERT_REVOKED -> HandshakeFailureCause.CLIENT_CERT_REVOKED;
          case CLIENT_CERT_EXPIRED -> HandshakeFailureCause.CLIENT_CERT_EXPIRED;
          case CLIENT_CERT_WRONG_USAGE -> HandshakeFailureCause.CLIENT_CERT_INVALID;
          case PORT_TLS_GIVEN_AS_PLAIN -> HandshakeFailureCause.PLAIN_MQTT_ON_TLS_PORT;
          case PORT_PLAIN_GIVEN_AS_TLS -> HandshakeFailureCause.TLS_ON_PLAIN_PORT;
          case SERVER_SELF_SIGNED,
                  CAFILE_HOLDS_LEAF,
                  SERVER_WRONG_CA,
                  SERVER_ISSUER_MISSING,
                  SERVER_CHAIN_INVALID,
                  SERVER_CERT_EXPIRED,
                  SERVER_CERT_NOT_YET_VALID,
                  NAME_MISMATCH,
                  IP_NOT_IN_SAN,
                  SERVER_CERT_WRONG_USAGE ->
              HandshakeFailureCause.PEER_ALERT;
          default -> null;
        });
  }
}
