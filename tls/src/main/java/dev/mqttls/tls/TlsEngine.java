package dev.mqttls.tls;

/** The TLS implementation behind a connection ({@code tls_engine openssl|jdk}). */
public enum TlsEngine {
  /** BoringSSL through netty-tcnative: the fast default. */
  OPENSSL,
  /** The JDK's SunJSSE: the fallback, and the engine that honours max_fragment_length. */
  JDK,
  /**
   * Bouncy Castle's TLS API (bctls): never a listener's default, picked per connection for TLS-PSK
   * and for clients that offer only AES-CCM / CCM-8 suites.
   */
  BCTLS;

  /** Parses {@code openssl} or {@code jdk} (case-insensitive). */
  public static TlsEngine parse(String value) {
    switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "openssl":
      case "boringssl":
        return OPENSSL;
      case "jdk":
        return JDK;
      default:
        throw new IllegalArgumentException(
            "unknown TLS engine '" + value + "', expected openssl or jdk");
    }
  }

  /** The directive spelling, {@code openssl} or {@code jdk}; {@code bctls} for the third. */
  public String directiveName() {
    switch (this) {
      case OPENSSL:
        return "openssl";
      case JDK:
        return "jdk";
      default:
        return "bctls";
    }
  }
}
