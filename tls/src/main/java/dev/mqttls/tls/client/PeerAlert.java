package dev.mqttls.tls.client;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.tls.TlsFatalAlertReceived;

/**
 * The fatal TLS alert a broker ended the handshake with, read from the engine's exception, with
 * what it means for the client in words. Typical: the broker refused our client certificate as
 * revoked (44), expired (45) or issued by a CA it does not know (48).
 *
 * @param code the alert description number (RFC 8446 section 6)
 * @param name its name in the RFC, such as {@code certificate_revoked}
 */
public record PeerAlert(int code, String name) {
  /**
   * BoringSSL reports a received alert only as text, "error:1000042c:SSL
   * routines:OPENSSL_internal:..." where the packed code is the SSL library (0x10) and 1000 plus
   * the alert number; the JDK as "Received fatal alert: NAME". BouncyCastle carries it as a type.
   */
  private static final Pattern BORINGSSL = Pattern.compile("error:([0-9a-fA-F]{8}):");

  private static final Pattern JDK = Pattern.compile("Received fatal alert: ([a-z_]+)");

  private static final String[] NAMES = new String[256];

  static {
    NAMES[10] = "unexpected_message";
    NAMES[20] = "bad_record_mac";
    NAMES[40] = "handshake_failure";
    NAMES[42] = "bad_certificate";
    NAMES[43] = "unsupported_certificate";
    NAMES[44] = "certificate_revoked";
    NAMES[45] = "certificate_expired";
    NAMES[46] = "certificate_unknown";
    NAMES[47] = "illegal_parameter";
    NAMES[48] = "unknown_ca";
    NAMES[49] = "access_denied";
    NAMES[50] = "decode_error";
    NAMES[51] = "decrypt_error";
    NAMES[70] = "protocol_version";
    NAMES[71] = "insufficient_security";
    NAMES[80] = "internal_error";
    NAMES[86] = "inappropriate_fallback";
    NAMES[90] = "user_canceled";
    NAMES[109] = "missing_extension";
    NAMES[110] = "unsupported_extension";
    NAMES[112] = "unrecognized_name";
    NAMES[116] = "certificate_required";
    NAMES[120] = "no_application_protocol";
  }

  /** The alert the peer sent, if {@code error} (or a cause of it) reports one. */
  public static Optional<PeerAlert> of(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof TlsFatalAlertReceived r) {
        return Optional.of(of(r.getAlertDescription()));
      }
      String text = t.getMessage();
      if (text == null) {
        continue;
      }
      Matcher m = BORINGSSL.matcher(text);
      if (m.find()) {
        long packed = Long.parseLong(m.group(1), 16);
        int reason = (int) (packed & 0xfff);
        if ((packed >>> 24) == 0x10 && reason >= 1000 && reason < 1256) {
          return Optional.of(of(reason - 1000));
        }
      }
      Matcher j = JDK.matcher(text);
      if (j.find()) {
        for (int code = 0; code < NAMES.length; code++) {
          if (j.group(1).equals(NAMES[code])) {
            return Optional.of(of(code));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The alert numbered {@code code}. */
  public static PeerAlert of(int code) {
    String name =
        code >= 0 && code < NAMES.length && NAMES[code] != null ? NAMES[code] : "#" + code;
    return new PeerAlert(code, name);
  }

  /** Whether the alert is about our certificate (the broker refused it). */
  public boolean isAboutOurCertificate() {
    return code >= 42 && code <= 46 || code == 48 || code == 116;
  }

  /** What the alert means when a broker sends it to a client, and what to do, in words. */
  public String meaning() {
    switch (code) {
      case 40:
        return "the broker found no TLS version, cipher suite or key type it shares with us";
      case 42:
        return "the broker refused our client certificate as bad: check that it is the one"
            + " issued for this device and matches its key";
      case 43:
        return "the broker does not support our client certificate's type: use an RSA or ECDSA"
            + " certificate";
      case 44:
        return "the broker refused our client certificate because it is revoked: get a new"
            + " certificate";
      case 45:
        return "the broker refused our client certificate because it has expired (or is not yet"
            + " valid): renew it, and check this machine's clock";
      case 46:
        return "the broker could not verify our client certificate: check that it trusts our"
            + " certificate's CA";
      case 48:
        return "the broker does not know the CA that issued our client certificate (unknown"
            + " CA): use a certificate from a CA the broker trusts, or add this CA to the"
            + " broker's CA file";
      case 49:
        return "the broker denied access after the handshake (access denied)";
      case 70:
        return "the broker does not accept our TLS version: allow TLS 1.2 or 1.3";
      case 71:
        return "the broker asks for stronger cipher suites than we offer";
      case 112:
        return "the broker has no certificate for the host name we sent in SNI";
      case 116:
        return "the broker requires a client certificate: give a certificate and its key";
      case 120:
        return "the broker supports none of the ALPN protocols we offered";
      default:
        return "the broker ended the handshake with the alert " + name;
    }
  }
}
