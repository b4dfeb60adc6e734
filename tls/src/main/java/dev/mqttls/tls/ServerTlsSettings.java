package dev.mqttls.tls;

import dev.mqttls.conf.Catalogue;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.Directive;
import dev.mqttls.conf.DirectiveSpec.Section;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The TLS part of one listener, as written in {@code mosquitto.conf} syntax: immutable, validated
 * as a whole by {@link Builder#build()} without touching files (files are read by {@link
 * ServerTls#open}). Relative paths resolve against the builder's base directory.
 *
 * <p>Directives: {@code cafile capath certfile keyfile keyfile_password require_certificate
 * use_identity_as_username use_subject_as_username tls_version ciphers ciphers_tls1.3 crlfile
 * dhparamfile cert_identity use_identity_as_clientid crl_expired sni_cert alpn tls_max_record_size
 * tls_send_root tls_handshake_timeout tls_engine tls_max_chain_depth psk_hint}, and the global
 * {@code psk_file} (the broker hands it to each listener with a {@code psk_hint}).
 */
public final class ServerTlsSettings {
  /** Default {@code tls_max_chain_depth}: 20 certificates, as Mosquitto (OpenSSL) accepts. */
  public static final int DEFAULT_MAX_CHAIN_DEPTH = 20;

  /** Largest {@code tls_max_chain_depth}. */
  public static final int MAX_CHAIN_DEPTH = 100;

  /** A certificate/key pair served to clients that ask for {@code serverName} by SNI. */
  public record SniCertificate(String serverName, Path certFile, Path keyFile) {}

  /** What to do with a CRL past its nextUpdate date ({@code crl_expired warn|refuse}). */
  public enum CrlExpiredPolicy {
    /** Keep using it and log a warning at load and daily: do not lock out a fleet. */
    WARN,
    /** Refuse client certificates whose issuer's CRL has expired. */
    REFUSE
  }

  private final Path baseDir;
  private final Path caFile;
  private final Path caPath;
  private final Path certFile;
  private final Path keyFile;
  private final String keyPasswordSpec;
  private final boolean requireCertificate;
  private final boolean useIdentityAsUsername;
  private final boolean useSubjectAsUsername;
  private final String minVersion;
  private final List<String> ciphers;
  private final List<String> ciphersTls13;
  private final Path crlFile;
  private final Path dhParamFile;
  private final CertIdentity certIdentity;
  private final boolean useIdentityAsClientId;
  private final CrlExpiredPolicy crlExpired;
  private final Map<String, SniCertificate> sniCertificates;
  private final List<String> alpn;
  private final int maxRecordSize;
  private final int maxChainDepth;
  private final boolean sendRoot;
  private final Duration handshakeTimeout;
  private final TlsEngine engine;
  private final String pskHint;
  private final Path pskFile;

  private ServerTlsSettings(Builder b) {
    this.baseDir = b.baseDir;
    this.caFile = b.caFile;
    this.caPath = b.caPath;
    this.certFile = b.certFile;
    this.keyFile = b.keyFile;
    this.keyPasswordSpec = b.keyPasswordSpec;
    this.requireCertificate = b.requireCertificate;
    this.useIdentityAsUsername = b.useIdentityAsUsername;
    this.useSubjectAsUsername = b.useSubjectAsUsername;
    this.minVersion = b.minVersion;
    this.ciphers = b.ciphers;
    this.ciphersTls13 = b.ciphersTls13;
    this.crlFile = b.crlFile;
    this.dhParamFile = b.dhParamFile;
    this.certIdentity = b.certIdentity;
    this.useIdentityAsClientId = b.useIdentityAsClientId;
    this.crlExpired = b.crlExpired;
    this.sniCertificates = Collections.unmodifiableMap(new LinkedHashMap<>(b.sniCertificates));
    this.alpn = b.alpn;
    this.maxRecordSize = b.maxRecordSize;
    this.maxChainDepth = b.maxChainDepth;
    this.sendRoot = b.sendRoot;
    this.handshakeTimeout = b.handshakeTimeout;
    this.engine = b.engine;
    this.pskHint = b.pskHint;
    this.pskFile = b.pskFile;
  }

  /**
   * Whether {@code name} is one of the directives this class handles: the catalogue's accepted
   * listener directives but max_connection_rate.
   */
  public static boolean isTlsDirective(String name) {
    // max_connection_rate is a listener line the broker applies before TLS (plain listeners too).
    return !name.equals("max_connection_rate")
        && Catalogue.lookup(name)
            .filter(s -> s.section() == Section.LISTENER && s.accepted())
            .isPresent();
  }

  /** A builder resolving relative paths against {@code baseDir} (the config file's directory). */
  public static Builder builder(Path baseDir) {
    return new Builder(baseDir);
  }

  /**
   * Whether this listener speaks TLS: a {@code certfile}/{@code keyfile} or a {@code psk_hint} was
   * given.
   */
  public boolean isTlsEnabled() {
    return keyFile != null || pskHint != null;
  }

  /** Whether this listener has a certificate ({@code certfile}/{@code keyfile}). */
  public boolean hasCertificate() {
    return keyFile != null;
  }

  /**
   * {@code psk_hint}: TLS-PSK is on for this listener, served by the bctls engine. Without a
   * certificate the listener is PSK-only (as in Mosquitto); with one, both work.
   */
  public Optional<String> pskHint() {
    return Optional.ofNullable(pskHint);
  }

  /** {@code psk_file}: the identities and keys of a PSK listener. */
  public Optional<Path> pskFile() {
    return Optional.ofNullable(pskFile);
  }

  /** {@code use_identity_as_username}: the user name is {@link DeviceIdentity#value()}. */
  public boolean useIdentityAsUsername() {
    return useIdentityAsUsername;
  }

  /** {@code use_subject_as_username}: the user name is {@link DeviceIdentity#subjectDn()}. */
  public boolean useSubjectAsUsername() {
    return useSubjectAsUsername;
  }

  /**
   * {@code use_identity_as_clientid}: a CONNECT whose client id differs from {@link
   * DeviceIdentity#value()} is refused with Client Identifier Not Valid.
   */
  public boolean useIdentityAsClientId() {
    return useIdentityAsClientId;
  }

  /** {@code require_certificate}: clients must present a certificate that verifies. */
  public boolean requireCertificate() {
    return requireCertificate;
  }

  /** {@code cert_identity}: which certificate field is the identity. */
  public CertIdentity certIdentity() {
    return certIdentity;
  }

  /** The minimum TLS version in JDK spelling, e.g. {@code TLSv1.2}. */
  public String minVersion() {
    return minVersion;
  }

  /** The engine asked for ({@code tls_engine}); the default is {@link TlsEngine#OPENSSL}. */
  public TlsEngine engine() {
    return engine;
  }

  /** {@code tls_handshake_timeout}, 10 s by default. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * {@code tls_max_chain_depth}: the most certificates a client may send in its chain (leaf
   * included); a longer chain is refused as {@code PATH_TOO_LONG}.
   */
  public int maxChainDepth() {
    return maxChainDepth;
  }

  /** {@code tls_max_record_size}: cap on outgoing application data records; 0 means none. */
  public int maxRecordSize() {
    return maxRecordSize;
  }

  /** {@code tls_send_root}: whether a self-signed root at the end of certfile is sent. */
  public boolean sendRoot() {
    return sendRoot;
  }

  /** {@code alpn}: protocols accepted, in server preference order. */
  public List<String> alpn() {
    return alpn;
  }

  /** {@code crl_expired}. */
  public CrlExpiredPolicy crlExpiredPolicy() {
    return crlExpired;
  }

  /** {@code sni_cert} entries by lower-case server name. */
  public Map<String, SniCertificate> sniCertificates() {
    return sniCertificates;
  }

  /** {@code cafile}. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /** {@code capath}. */
  public Optional<Path> caPath() {
    return Optional.ofNullable(caPath);
  }

  /** {@code certfile}; may be absent when {@code keyfile} is a PKCS#12 or JKS store. */
  public Optional<Path> certFile() {
    return Optional.ofNullable(certFile);
  }

  /** {@code keyfile}. */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  /** {@code crlfile}. */
  public Optional<Path> crlFile() {
    return Optional.ofNullable(crlFile);
  }

  /** {@code dhparamfile}. */
  public Optional<Path> dhParamFile() {
    return Optional.ofNullable(dhParamFile);
  }

  /** {@code ciphers} (TLS 1.2 and below), empty for the defaults. */
  public List<String> ciphers() {
    return ciphers;
  }

  /** {@code ciphers_tls1.3}, empty for the defaults. */
  public List<String> ciphersTls13() {
    return ciphersTls13;
  }

  /** The directory relative paths were resolved against. */
  public Path baseDir() {
    return baseDir;
  }

  /** The {@code keyfile_password} as written ({@code file:}, {@code env:} or literal). */
  Optional<String> keyPasswordSpec() {
    return Optional.ofNullable(keyPasswordSpec);
  }

  /** Lists the files and options; never the key password. */
  @Override
  public String toString() {
    return "ServerTlsSettings[certfile="
        + certFile
        + ", keyfile="
        + keyFile
        + (keyPasswordSpec != null ? ", keyfile_password=(set)" : "")
        + ", cafile="
        + caFile
        + ", capath="
        + caPath
        + ", crlfile="
        + crlFile
        + ", require_certificate="
        + requireCertificate
        + ", tls_version>="
        + minVersion
        + ", engine="
        + engine.directiveName()
        + ", sni="
        + sniCertificates.keySet()
        + ", alpn="
        + alpn
        + (pskHint != null ? ", psk_hint=" + pskHint + ", psk_file=" + pskFile : "")
        + "]";
  }

  /**
   * Collects directives one by one, validating each value as it comes (so the caller can prefix the
   * message with {@code FILE:LINE: directive:}), then the combination in {@link #build()}.
   */
  public static final class Builder {
    private final Path baseDir;
    private Path caFile;
    private Path caPath;
    private Path certFile;
    private Path keyFile;
    private String keyPasswordSpec;
    private boolean requireCertificate;
    private boolean useIdentityAsUsername;
    private boolean useSubjectAsUsername;
    private String minVersion = "TLSv1.2";
    private List<String> ciphers = List.of();
    private List<String> ciphersTls13 = List.of();
    private Path crlFile;
    private Path dhParamFile;
    private CertIdentity certIdentity = CertIdentity.CN;
    private boolean certIdentityGiven;
    private boolean useIdentityAsClientId;
    private CrlExpiredPolicy crlExpired = CrlExpiredPolicy.WARN;
    private final Map<String, SniCertificate> sniCertificates = new LinkedHashMap<>();
    private List<String> alpn = List.of();
    private int maxRecordSize;
    private int maxChainDepth = DEFAULT_MAX_CHAIN_DEPTH;
    private boolean sendRoot;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private TlsEngine engine = TlsEngine.OPENSSL;
    private String pskHint;
    private Path pskFile;

    private Builder(Path baseDir) {
      this.baseDir = baseDir == null ? Path.of("") : baseDir;
    }

    /**
     * Applies one directive given as words, for settings made in code.
     *
     * @param name the directive, one for which {@link #isTlsDirective} is true
     * @param args its whitespace-separated arguments
     * @return this builder
     * @throws IllegalArgumentException with a message saying what is wrong and what is expected
     */
    public Builder directive(String name, List<String> args) {
      try {
        return directive(Directive.of(name, args));
      } catch (ConfException e) {
        throw new IllegalArgumentException(e.problem(), e);
      }
    }

    /**
     * Applies one directive read from a file; a relative path resolves against that file's
     * directory.
     *
     * @return this builder
     * @throws ConfException {@code FILE:LINE: name: what is wrong and what is expected}
     */
    public Builder directive(Directive d) throws ConfException {
      String name = d.name();
      switch (name) {
        case "cafile":
          caFile = d.path(baseDir);
          break;
        case "capath":
          caPath = d.path(baseDir);
          break;
        case "certfile":
          certFile = d.path(baseDir);
          break;
        case "keyfile":
          keyFile = d.path(baseDir);
          break;
        case "keyfile_password":
          keyPasswordSpec = d.string();
          break;
        case "require_certificate":
          requireCertificate = d.bool();
          break;
        case "use_identity_as_username":
          useIdentityAsUsername = d.bool();
          break;
        case "use_subject_as_username":
          useSubjectAsUsername = d.bool();
          break;
        case "tls_version":
          minVersion = version(d);
          break;
        case "ciphers":
          ciphers = splitList(d.word(), ":");
          break;
        case "ciphers_tls1.3":
          ciphersTls13 = splitList(d.word(), ":");
          break;
        case "crlfile":
          crlFile = d.path(baseDir);
          break;
        case "dhparamfile":
          dhParamFile = d.path(baseDir);
          break;
        case "cert_identity":
          try {
            certIdentity = CertIdentity.parse(d.word());
          } catch (IllegalArgumentException e) {
            throw d.error(e.getMessage());
          }
          certIdentityGiven = true;
          break;
        case "use_identity_as_clientid":
          useIdentityAsClientId = d.bool();
          break;
        case "crl_expired":
          {
            String v = d.word().toLowerCase(Locale.ROOT);
            if (v.equals("warn")) {
              crlExpired = CrlExpiredPolicy.WARN;
            } else if (v.equals("refuse")) {
              crlExpired = CrlExpiredPolicy.REFUSE;
            } else {
              throw d.error("expected warn or refuse, got '" + v + "'");
            }
            break;
          }
        case "sni_cert":
          {
            List<String> args = d.words();
            if (args.size() != 3) {
              throw d.error(
                  "expected 3 arguments: SERVER_NAME CERTFILE KEYFILE, got " + args.size());
            }
            String host = args.get(0).toLowerCase(Locale.ROOT);
            if (host.isEmpty() || !host.matches("[a-z0-9*]([a-z0-9.*-]*[a-z0-9])?")) {
              throw d.error("'" + args.get(0) + "' is not a DNS name");
            }
            if (sniCertificates.containsKey(host)) {
              throw d.error("server name '" + host + "' given twice");
            }
            sniCertificates.put(
                host,
                new SniCertificate(
                    host,
                    Directive.of(name, List.of(args.get(1))).path(base(d)),
                    Directive.of(name, List.of(args.get(2))).path(base(d))));
            break;
          }
        case "alpn":
          {
            List<String> list = new ArrayList<>();
            for (String a : d.words()) {
              list.addAll(splitList(a, ","));
            }
            if (list.isEmpty()) {
              throw d.error("expected a protocol list, e.g. mqtt");
            }
            for (String p : list) {
              if (p.length() > 255) {
                throw d.error("ALPN protocol name longer than 255 bytes");
              }
            }
            alpn = List.copyOf(list);
            break;
          }
        case "tls_max_chain_depth":
          maxChainDepth = (int) d.integer(2, MAX_CHAIN_DEPTH);
          break;
        case "tls_max_record_size":
          {
            long n = d.integer(Long.MIN_VALUE, Long.MAX_VALUE);
            if (n < 512 || n > 16384) {
              throw d.error("expected a record size from 512 to 16384 bytes, got " + n);
            }
            maxRecordSize = (int) n;
            break;
          }
        case "tls_send_root":
          sendRoot = d.bool();
          break;
        case "tls_handshake_timeout":
          handshakeTimeout = d.timeout(Duration.ofMillis(1), Duration.ofMinutes(10));
          break;
        case "tls_engine":
          try {
            engine = TlsEngine.parse(d.word());
          } catch (IllegalArgumentException e) {
            throw d.error(e.getMessage());
          }
          break;
        case "psk_hint":
          pskHint = d.word();
          break;
        case "psk_file":
          pskFile = d.path(baseDir);
          break;
        default:
          throw d.error("not a TLS directive");
      }
      return this;
    }

    /** The directory sni_cert's relative paths resolve against: the directive's file's. */
    private Path base(Directive d) {
      return d.file().map(Directive::directoryOf).orElse(baseDir);
    }

    /**
     * Validates the combination and returns the settings. Reads no file.
     *
     * @throws IllegalArgumentException naming the directives that do not fit together
     */
    public ServerTlsSettings build() {
      boolean anyTls =
          keyFile != null
              || certFile != null
              || caFile != null
              || caPath != null
              || crlFile != null
              || requireCertificate
              || !sniCertificates.isEmpty();
      if (anyTls) {
        if (keyFile == null && certFile != null) {
          throw new IllegalArgumentException("certfile given without keyfile");
        }
        if (keyFile == null && pskHint == null) {
          throw new IllegalArgumentException(
              "TLS directives given but no certfile/keyfile: a TLS listener needs both");
        }
      }
      if (pskHint != null && pskFile == null) {
        throw new IllegalArgumentException("psk_hint needs psk_file (identity:hexkey lines)");
      }
      if (pskHint != null && keyFile == null && requireCertificate) {
        throw new IllegalArgumentException(
            "require_certificate true needs certfile/keyfile; a listener with psk_hint and no"
                + " certificate is PSK-only");
      }
      if (requireCertificate && caFile == null && caPath == null) {
        throw new IllegalArgumentException(
            "require_certificate true needs cafile or capath to verify client certificates");
      }
      // With PSK, use_identity_as_username takes the PSK identity (as Mosquitto does).
      if ((useIdentityAsUsername && pskHint == null
              || useSubjectAsUsername
              || useIdentityAsClientId)
          && !requireCertificate) {
        throw new IllegalArgumentException(
            (useIdentityAsClientId
                    ? "use_identity_as_clientid"
                    : useIdentityAsUsername
                        ? "use_identity_as_username"
                        : "use_subject_as_username")
                + " needs require_certificate true");
      }
      if (useIdentityAsUsername && useSubjectAsUsername) {
        throw new IllegalArgumentException(
            "use_identity_as_username and use_subject_as_username exclude each other");
      }
      if (certIdentityGiven && !requireCertificate) {
        throw new IllegalArgumentException("cert_identity needs require_certificate true");
      }
      if (crlFile != null && caFile == null && caPath == null) {
        throw new IllegalArgumentException("crlfile needs cafile or capath");
      }
      return new ServerTlsSettings(this);
    }

    private static String version(Directive d) throws ConfException {
      String v = d.word();
      switch (v.toLowerCase(Locale.ROOT)) {
        case "tlsv1.3":
          return "TLSv1.3";
        case "tlsv1.2":
          return "TLSv1.2";
        case "tlsv1.1":
          return "TLSv1.1";
        case "tlsv1":
        case "tlsv1.0":
          return "TLSv1";
        default:
          throw d.error("expected tlsv1.3, tlsv1.2, tlsv1.1 or tlsv1, got '" + v + "'");
      }
    }

    private static List<String> splitList(String v, String sep) {
      List<String> out = new ArrayList<>();
      for (String s : v.split(sep)) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
      return List.copyOf(out);
    }
  }
}
