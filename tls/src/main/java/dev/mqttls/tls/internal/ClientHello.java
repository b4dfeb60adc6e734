package dev.mqttls.tls.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a client offered in its ClientHello, as far as the server needs it to pick a context and to
 * explain a failure.
 *
 * @param legacyVersion the ClientHello's version field (0x0303 for TLS 1.2 and 1.3)
 * @param supportedVersions the supported_versions extension's list, empty when absent
 * @param cipherSuites the offered suite code points
 * @param serverName the SNI host name, if any
 * @param alpn the offered ALPN protocols
 * @param maxFragmentLength the RFC 6066 max_fragment_length in bytes (512..4096), 0 when absent
 * @param recordSizeLimit the RFC 8449 record_size_limit, 0 when absent
 * @param supportedGroups the offered named groups
 * @param sessionTicket whether a non-empty session ticket or a PSK was offered
 */
public record ClientHello(
    int legacyVersion,
    List<Integer> supportedVersions,
    List<Integer> cipherSuites,
    Optional<String> serverName,
    List<String> alpn,
    int maxFragmentLength,
    int recordSizeLimit,
    List<Integer> supportedGroups,
    boolean sessionTicket) {

  /** TLS version code points. */
  public static final int TLS10 = 0x0301, TLS11 = 0x0302, TLS12 = 0x0303, TLS13 = 0x0304;

  /** The highest version offered (ignoring GREASE values). */
  public int maxVersion() {
    if (supportedVersions.isEmpty()) {
      return legacyVersion;
    }
    int max = 0;
    for (int v : supportedVersions) {
      if ((v & 0x0f0f) != 0x0a0a && v > max && v <= 0x03ff) {
        max = v;
      }
    }
    return max == 0 ? legacyVersion : max;
  }

  /** Whether version {@code v} is offered. */
  public boolean offers(int v) {
    if (supportedVersions.isEmpty()) {
      return v <= legacyVersion && v >= TLS10;
    }
    return supportedVersions.contains(v);
  }

  /** E.g. {@code TLS 1.2}. */
  public static String versionName(int v) {
    switch (v) {
      case 0x0300:
        return "SSL 3.0";
      case TLS10:
        return "TLS 1.0";
      case TLS11:
        return "TLS 1.1";
      case TLS12:
        return "TLS 1.2";
      case TLS13:
        return "TLS 1.3";
      default:
        return String.format(Locale.ROOT, "0x%04x", v);
    }
  }

  /** The offered versions, short, e.g. {@code TLS 1.2,TLS 1.3}. */
  public String versionsShort() {
    StringBuilder sb = new StringBuilder();
    for (int v = TLS10; v <= TLS13; v++) {
      if (offers(v)) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(versionName(v).substring(4));
      }
    }
    return "TLS " + (sb.length() == 0 ? versionName(legacyVersion) : sb);
  }
}
