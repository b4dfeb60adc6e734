package dev.mqttls.client;

import dev.mqttls.tls.client.FileProblems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client secures its connection with TLS. Verification is on by default: the broker's
 * certificate must chain to the configured CA (or the system trust store when none is given) and
 * name the host connected to, by DNS or IP subject alternative name. {@link Builder#insecure()} is
 * the only way to skip the host name check; the chain is still verified and every connect logs a
 * warning.
 *
 * <p>Client certificate and key come from PEM files in every form the {@code tls} module reads
 * (PKCS#1, SEC1, PKCS#8, encrypted), from a PKCS#12 file, or from a {@link CredentialStore} tag.
 * Passwords are held as character arrays, copied in, and never printed.
 */
public final class TlsConfig {
  private final Path caFile;
  private final Path caPath;
  private final Path certFile;
  private final Path keyFile;
  private final char[] keyPassword;
  private final Path pkcs12File;
  private final char[] pkcs12Password;
  private final Integer secTag;
  private final boolean insecure;
  private final String sniHost;
  private final List<String> alpn;
  private final List<String> protocols;
  private final List<String> ciphers;
  private final Duration handshakeTimeout;

  private TlsConfig(Builder b) {
    this.caFile = b.caFile;
    this.caPath = b.caPath;
    this.certFile = b.certFile;
    this.keyFile = b.keyFile;
    this.keyPassword = b.keyPassword;
    this.pkcs12File = b.pkcs12File;
    this.pkcs12Password = b.pkcs12Password;
    this.secTag = b.secTag;
    this.insecure = b.insecure;
    this.sniHost = b.sniHost;
    this.alpn = List.copyOf(b.alpn);
    this.protocols = List.copyOf(b.protocols);
    this.ciphers = List.copyOf(b.ciphers);
    this.handshakeTimeout = b.handshakeTimeout;
  }

  /** A builder for verified TLS against the system trust store, no client certificate. */
  public static Builder builder() {
    return new Builder();
  }

  /** Verified TLS against the system trust store, no client certificate. */
  public static TlsConfig defaults() {
    return builder().build();
  }

  /** The PEM file of CA certificates to trust, if set (else {@link #caPath()} or the system's). */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /** A directory of PEM CA certificates to trust, if set. */
  public Optional<Path> caPath() {
    return Optional.ofNullable(caPath);
  }

  /** The client certificate chain (PEM), if set. */
  public Optional<Path> certFile() {
    return Optional.ofNullable(certFile);
  }

  /** The client private key (PEM), if set. */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  /** A copy of the password of an encrypted key, if set. */
  public Optional<char[]> keyPassword() {
    return Optional.ofNullable(keyPassword).map(char[]::clone);
  }

  /** The PKCS#12 file holding the client certificate and key, if set. */
  public Optional<Path> pkcs12File() {
    return Optional.ofNullable(pkcs12File);
  }

  /** A copy of the PKCS#12 password, if set. */
  public Optional<char[]> pkcs12Password() {
    return Optional.ofNullable(pkcs12Password).map(char[]::clone);
  }

  /** The credential store tag the files came from, if configured by tag. */
  public Optional<Integer> secTag() {
    return Optional.ofNullable(secTag);
  }

  /** Whether host name verification is off (the chain is still verified). */
  public boolean insecure() {
    return insecure;
  }

  /** The server name sent in SNI, if it is not the host connected to. */
  public Optional<String> sniHost() {
    return Optional.ofNullable(sniHost);
  }

  /** The ALPN protocols offered, in preference order; empty offers none. */
  public List<String> alpn() {
    return alpn;
  }

  /**
   * The TLS versions enabled ({@code TLSv1.2}, {@code TLSv1.3}); empty means the provider's
   * default.
   */
  public List<String> protocols() {
    return protocols;
  }

  /** The cipher suites enabled; empty means the provider's default. */
  public List<String> ciphers() {
    return ciphers;
  }

  /** How long the TLS handshake may take. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TlsConfig[");
    sb.append("ca=").append(caFile != null ? caFile : caPath != null ? caPath : "system");
    if (certFile != null) sb.append(", cert=").append(certFile);
    if (keyFile != null) sb.append(", key=").append(keyFile);
    if (keyPassword != null) sb.append(", keyPassword=(set)");
    if (pkcs12File != null) sb.append(", pkcs12=").append(pkcs12File);
    if (secTag != null) sb.append(", secTag=").append(secTag);
    if (insecure) sb.append(", INSECURE (no host name verification)");
    if (sniHost != null) sb.append(", sni=").append(sniHost);
    if (!alpn.isEmpty()) sb.append(", alpn=").append(alpn);
    if (!protocols.isEmpty()) sb.append(", protocols=").append(protocols);
    if (!ciphers.isEmpty()) sb.append(", ciphers=").append(ciphers);
    return sb.append(']').toString();
  }

  /** Builds a {@link TlsConfig}; setters check their argument and name it when it is wrong. */
  public static final class Builder {
    private Path caFile;
    private Path caPath;
    private Path certFile;
    private Path keyFile;
    private char[] keyPassword;
    private Path pkcs12File;
    private char[] pkcs12Password;
    private Integer secTag;
    private boolean insecure;
    private String sniHost;
    private List<String> alpn = List.of();
    private List<String> protocols = List.of();
    private List<String> ciphers = List.of();
    private Duration handshakeTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** Trusts the CA certificates in this PEM file instead of the system trust store. */
    public Builder caFile(Path file) {
      this.caFile = readable("caFile", "CA file", file);
      return this;
    }

    /** Trusts every PEM certificate in this directory instead of the system trust store. */
    public Builder caPath(Path directory) {
      Objects.requireNonNull(directory, "caPath");
      if (!Files.isDirectory(directory)) {
        throw new IllegalArgumentException(
            Files.exists(directory)
                ? directory
                    + ": the CA directory is a file, not a directory: give a directory of"
                    + " PEM files"
                : directory + ": the CA directory does not exist: check the path");
      }
      this.caPath = directory;
      return this;
    }

    /** Presents this certificate chain (PEM, leaf first); needs {@link #keyFile}. */
    public Builder certFile(Path file) {
      this.certFile = readable("certFile", "client certificate file", file);
      return this;
    }

    /** Signs with this private key (PEM, any form); needs {@link #certFile}. */
    public Builder keyFile(Path file) {
      this.keyFile = readable("keyFile", "private key file", file);
      return this;
    }

    /** The password of an encrypted key (copied). */
    public Builder keyPassword(char[] password) {
      this.keyPassword = Objects.requireNonNull(password, "keyPassword").clone();
      return this;
    }

    /** Presents the certificate and key in this PKCS#12 file instead of PEM files. */
    public Builder pkcs12(Path file, char[] password) {
      this.pkcs12File = readable("pkcs12", "PKCS#12 file", file);
      this.pkcs12Password = Objects.requireNonNull(password, "pkcs12 password").clone();
      return this;
    }

    /**
     * Takes the CA, client certificate and key stored under {@code tag} in {@code store}, each only
     * when present there; a tag with nothing stored is refused.
     */
    public Builder secTag(CredentialStore store, int tag) {
      Objects.requireNonNull(store, "store");
      boolean any = false;
      if (store.contains(tag, CredentialType.CA_CERTIFICATE)) {
        this.caFile = store.path(tag, CredentialType.CA_CERTIFICATE);
        any = true;
      }
      if (store.contains(tag, CredentialType.CLIENT_CERTIFICATE)) {
        this.certFile = store.path(tag, CredentialType.CLIENT_CERTIFICATE);
        any = true;
      }
      if (store.contains(tag, CredentialType.CLIENT_KEY)) {
        this.keyFile = store.path(tag, CredentialType.CLIENT_KEY);
        any = true;
      }
      if (!any) {
        throw new IllegalArgumentException(
            "sec tag " + tag + " holds no credential in " + store.directory());
      }
      this.secTag = tag;
      return this;
    }

    /**
     * Turns host name verification off: the broker's certificate must still chain to a trusted CA,
     * but need not name the host connected to. Every connect logs a warning. For development
     * against a broker whose certificate names another host; never for production.
     */
    public Builder insecure() {
      this.insecure = true;
      return this;
    }

    /**
     * Sends {@code host} in SNI (and verifies the certificate against it) instead of the host
     * connected to.
     */
    public Builder sniHost(String host) {
      Objects.requireNonNull(host, "sniHost");
      if (host.isBlank()) {
        throw new IllegalArgumentException("sniHost must not be blank");
      }
      this.sniHost = host;
      return this;
    }

    /** Offers these ALPN protocols, for example {@code mqtt} or {@code x-amzn-mqtt-ca}. */
    public Builder alpn(List<String> protocols) {
      this.alpn = nonBlank("alpn", protocols);
      return this;
    }

    /** Enables only these TLS versions ({@code TLSv1.2}, {@code TLSv1.3}). */
    public Builder protocols(List<String> versions) {
      List<String> v = nonBlank("protocols", versions);
      for (String p : v) {
        if (!p.matches("TLSv1(\\.[0-3])?")) {
          throw new IllegalArgumentException(
              "protocols: '" + p + "' is not a TLS version (TLSv1.2, TLSv1.3)");
        }
      }
      this.protocols = v;
      return this;
    }

    /** Enables only these cipher suites (IANA or OpenSSL names as the provider accepts). */
    public Builder ciphers(List<String> suites) {
      this.ciphers = nonBlank("ciphers", suites);
      return this;
    }

    /** How long the TLS handshake may take; the default is 10 seconds. */
    public Builder handshakeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "handshakeTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("handshakeTimeout must be positive");
      }
      this.handshakeTimeout = timeout;
      return this;
    }

    /**
     * The immutable configuration.
     *
     * @throws IllegalStateException if only one of certificate and key is set, or both PEM and
     *     PKCS#12 client material are
     */
    public TlsConfig build() {
      if ((certFile == null) != (keyFile == null)) {
        throw new IllegalStateException(
            certFile == null
                ? "a client key is set without its certificate (certFile)"
                : "a client certificate is set without its key (keyFile)");
      }
      if (certFile != null && pkcs12File != null) {
        throw new IllegalStateException("set either certFile/keyFile or pkcs12, not both");
      }
      if (keyPassword != null && keyFile == null) {
        throw new IllegalStateException("keyPassword is set but no keyFile");
      }
      return new TlsConfig(this);
    }

    /** Checks a file up front; the message is one sentence in words, as users see it. */
    private static Path readable(String parameter, String role, Path file) {
      Objects.requireNonNull(file, parameter);
      FileProblems.ofReadableFile(role, file)
          .ifPresent(
              problem -> {
                throw new IllegalArgumentException(file + ": " + problem);
              });
      return file;
    }

    private static List<String> nonBlank(String what, List<String> values) {
      Objects.requireNonNull(values, what);
      for (String v : values) {
        if (v == null || v.isBlank()) {
          throw new IllegalArgumentException(what + " holds a blank entry");
        }
      }
      return List.copyOf(values);
    }
  }
}
