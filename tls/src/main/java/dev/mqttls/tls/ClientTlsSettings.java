package dev.mqttls.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client (our client library, the doctor) speaks TLS to a broker. Verifies by default: the
 * broker's certificate must chain to the given CA file/directory (or the system trust store) and
 * name the host (DNS or IP SAN). {@link Builder#insecure()} switches verification off explicitly
 * and is logged loudly when used. Immutable; {@link #toString()} never shows a password.
 */
public final class ClientTlsSettings {
  private final Path caFile;
  private final Path caPath;
  private final boolean systemTrust;
  private final boolean insecure;
  private final Path certFile;
  private final Path keyFile;
  private final Path keyStore;
  private final char[] password;
  private final List<String> protocols;
  private final List<String> cipherSuites;
  private final List<String> alpn;
  private final String serverName;
  private final boolean hostnameVerification;
  private final TlsEngine engine;

  private ClientTlsSettings(Builder b) {
    this.caFile = b.caFile;
    this.caPath = b.caPath;
    this.systemTrust = b.caFile == null && b.caPath == null && !b.insecure;
    this.insecure = b.insecure;
    this.certFile = b.certFile;
    this.keyFile = b.keyFile;
    this.keyStore = b.keyStore;
    this.password = b.password == null ? null : b.password.clone();
    this.protocols = b.protocols;
    this.cipherSuites = b.cipherSuites;
    this.alpn = b.alpn;
    this.serverName = b.serverName;
    this.hostnameVerification = b.hostnameVerification && !b.insecure;
    this.engine = b.engine;
  }

  /** A builder with secure defaults: system trust store, TLS 1.2 and 1.3, host name checked. */
  public static Builder builder() {
    return new Builder();
  }

  /** The CA file the broker's certificate must chain to. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /** A directory of CA certificates. */
  public Optional<Path> caPath() {
    return Optional.ofNullable(caPath);
  }

  /** Whether the JDK's default trust store is used (no CA file or directory given). */
  public boolean systemTrust() {
    return systemTrust;
  }

  /** Whether verification of the broker is switched off. */
  public boolean insecure() {
    return insecure;
  }

  /** The client certificate chain file. */
  public Optional<Path> certFile() {
    return Optional.ofNullable(certFile);
  }

  /** The client key file. */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  /** A PKCS#12 or JKS store holding the client key and chain. */
  public Optional<Path> keyStore() {
    return Optional.ofNullable(keyStore);
  }

  char[] password() {
    return password == null ? null : password.clone();
  }

  /** Enabled TLS versions in JDK spelling. */
  public List<String> protocols() {
    return protocols;
  }

  /** Enabled suites (IANA names); empty for the defaults. */
  public List<String> cipherSuites() {
    return cipherSuites;
  }

  /** ALPN protocols to offer. */
  public List<String> alpn() {
    return alpn;
  }

  /** The name sent as SNI and expected in the broker's certificate, instead of the host. */
  public Optional<String> serverName() {
    return Optional.ofNullable(serverName);
  }

  /** Whether the broker's certificate must name the host (on unless insecure). */
  public boolean hostnameVerification() {
    return hostnameVerification;
  }

  /** The engine. */
  public TlsEngine engine() {
    return engine;
  }

  @Override
  public String toString() {
    return "ClientTlsSettings[trust="
        + (insecure ? "INSECURE" : caFile != null ? caFile : caPath != null ? caPath : "system")
        + ", cert="
        + (keyStore != null ? keyStore : certFile)
        + (password != null ? ", password=(set)" : "")
        + ", protocols="
        + protocols
        + ", alpn="
        + alpn
        + ", serverName="
        + serverName
        + ", hostnameVerification="
        + hostnameVerification
        + ", engine="
        + engine.directiveName()
        + "]";
  }

  /** Validates each value as it is set, so a mistake points at the caller's line. */
  public static final class Builder {
    private Path caFile;
    private Path caPath;
    private boolean insecure;
    private Path certFile;
    private Path keyFile;
    private Path keyStore;
    private char[] password;
    private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
    private List<String> cipherSuites = List.of();
    private List<String> alpn = List.of();
    private String serverName;
    private boolean hostnameVerification = true;
    private TlsEngine engine = TlsEngine.OPENSSL;

    private Builder() {}

    /** Trust the CAs in this PEM file ({@code --cafile}). */
    public Builder caFile(Path file) {
      this.caFile = Objects.requireNonNull(file, "caFile");
      return this;
    }

    /** Trust the CAs in the files of this directory ({@code --capath}). */
    public Builder caPath(Path dir) {
      this.caPath = Objects.requireNonNull(dir, "caPath");
      return this;
    }

    /**
     * Do not verify the broker at all: anyone on the path can read and change the traffic. For
     * first experiments only; logged as a warning on every use.
     */
    public Builder insecure() {
      this.insecure = true;
      return this;
    }

    /** Present this certificate chain and key (any PEM form; see {@link PemReader}). */
    public Builder clientCertificate(Path certFile, Path keyFile) {
      this.certFile = Objects.requireNonNull(certFile, "certFile");
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
      this.keyStore = null;
      return this;
    }

    /** Present the first key entry of this PKCS#12 or JKS store. */
    public Builder clientKeyStore(Path keyStore) {
      this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
      this.certFile = null;
      this.keyFile = null;
      return this;
    }

    /** The password of an encrypted key or of the key store; the array is copied. */
    public Builder keyPassword(char[] password) {
      this.password = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /** TLS versions, e.g. {@code TLSv1.2}, {@code TLSv1.3} (or {@code tlsv1.2}). */
    public Builder protocols(List<String> versions) {
      if (versions.isEmpty()) {
        throw new IllegalArgumentException("protocols: at least one TLS version");
      }
      this.protocols =
          versions.stream()
              .map(
                  v -> {
                    switch (v.toLowerCase(Locale.ROOT)) {
                      case "tlsv1.3":
                        return "TLSv1.3";
                      case "tlsv1.2":
                        return "TLSv1.2";
                      case "tlsv1.1":
                        return "TLSv1.1";
                      default:
                        throw new IllegalArgumentException(
                            "protocols: unknown TLS version '" + v + "'");
                    }
                  })
              .toList();
      return this;
    }

    /** Cipher suites (IANA names), in preference order. */
    public Builder cipherSuites(List<String> suites) {
      this.cipherSuites = List.copyOf(suites);
      return this;
    }

    /** ALPN protocols to offer, e.g. {@code x-amzn-mqtt-ca}. */
    public Builder alpn(List<String> protocols) {
      for (String p : protocols) {
        if (p.isEmpty() || p.length() > 255) {
          throw new IllegalArgumentException("alpn: protocol names are 1 to 255 bytes");
        }
      }
      this.alpn = List.copyOf(protocols);
      return this;
    }

    /**
     * The name to send as SNI and to expect in the broker's certificate, when it differs from the
     * host connected to (e.g. connecting to 127.0.0.1 with a certificate for broker.local).
     */
    public Builder serverName(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("serverName: empty");
      }
      this.serverName = name;
      return this;
    }

    /** Switches host name verification on (default) or off; chain verification stays on. */
    public Builder hostnameVerification(boolean on) {
      this.hostnameVerification = on;
      return this;
    }

    /** The TLS engine (default OpenSSL when available). */
    public Builder engine(TlsEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /** Checks the combination. */
    public ClientTlsSettings build() {
      if (insecure && (caFile != null || caPath != null)) {
        throw new IllegalArgumentException("insecure() and a CA file/path exclude each other");
      }
      if (password != null && keyFile == null && keyStore == null) {
        throw new IllegalArgumentException("keyPassword given without a key or key store");
      }
      return new ClientTlsSettings(this);
    }
  }
}
