package dev.mqttls.tls;

import dev.mqttls.tls.internal.CipherSuites;
import dev.mqttls.tls.internal.ClientHello;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Names the cause of a failed handshake from the state we hold: the verifier's typed rejection
 * carried as the exception's cause, the ClientHello we parsed against the listener's versions and
 * suites, the record stream (an alert from the peer), and the exception's type. Never from
 * exception message text.
 */
final class FailureClassifier {
  record Verdict(HandshakeFailureCause cause, String detail) {}

  private FailureClassifier() {}

  static Verdict classify(
      Throwable error,
      ClientHello hello,
      ServerTlsSettings settings,
      ServerTlsGeneration gen,
      ServerTlsGeneration.Site site,
      TlsEngine engine,
      RecordSniffer sniffer,
      X509Certificate certificateShown) {
    ClientCertificateRejected rejected = find(error, ClientCertificateRejected.class);
    if (rejected != null) {
      return new Verdict(rejected.failureCause(), rejected.getMessage());
    }
    if (find(error, SslHandshakeTimeoutException.class) != null) {
      return new Verdict(
          HandshakeFailureCause.HANDSHAKE_TIMEOUT,
          "did not complete the handshake within "
              + settings.handshakeTimeout().toMillis()
              + " ms (tls_handshake_timeout)");
    }
    if (gen.verifier != null && sniffer != null) {
      if (certificateShown == null && noCertificate(sniffer)) {
        return new Verdict(
            HandshakeFailureCause.NO_CLIENT_CERTIFICATE,
            "no client certificate, and this listener requires one (require_certificate true)");
      }
      if (certificateShown != null
          && find(error, ClosedChannelException.class) == null
          && sniffer.lastAlertDescription() < 0
          && !(sniffer.lastType() == 23 && sniffer.lastLength() <= 24)) {
        // The verifier accepted the certificate (a refusal would be the cause), the client did
        // not abort, and the handshake still failed: what follows the certificate is the
        // client's signature with its key (CertificateVerify), then Finished.
        return new Verdict(
            HandshakeFailureCause.CLIENT_CERT_INVALID,
            "client certificate "
                + ClientCertificateVerifier.subject(certificateShown)
                + " accepted, but the client did not prove it holds its private key"
                + " (CertificateVerify failed): is the device's key the one for this certificate?");
      }
    }
    String min = settings.minVersion();
    int minCode = versionCode(min);
    boolean versionOk = false;
    for (int v = minCode; v <= ClientHello.TLS13; v++) {
      versionOk |= hello.offers(v);
    }
    if (!versionOk) {
      return new Verdict(
          HandshakeFailureCause.PROTOCOL_VERSION_TOO_OLD,
          "offered "
              + hello.versionsShort()
              + " only; this listener accepts "
              + min.toLowerCase(Locale.ROOT)
              + " and up");
    }
    List<String> enabled = site.context(engine).cipherSuites();
    boolean tls13 = hello.offers(ClientHello.TLS13) && gen.protocols.contains("TLSv1.3");
    String keyAlg = site.material().privateKey().getAlgorithm();
    boolean ecKey = keyAlg.equals("EC") || keyAlg.equals("ECDSA");
    boolean rsaKey = keyAlg.equals("RSA");
    boolean shared = false;
    int rsaOnly = 0;
    int ecdsaOnly = 0;
    int named12 = 0;
    for (int code : hello.cipherSuites()) {
      String name = CipherSuites.name(code);
      if (name == null || !enabled.contains(name)) {
        if (name != null && !CipherSuites.tls13(name)) {
          named12++;
          if (CipherSuites.rsaAuth(name)) {
            rsaOnly++;
          } else if (CipherSuites.ecdsaAuth(name)) {
            ecdsaOnly++;
          }
        }
        continue;
      }
      if (CipherSuites.tls13(name)) {
        shared |= tls13;
      } else {
        named12++;
        if (CipherSuites.rsaAuth(name)) {
          rsaOnly++;
          shared |= rsaKey;
        } else if (CipherSuites.ecdsaAuth(name)) {
          ecdsaOnly++;
          shared |= ecKey;
        } else {
          shared = true;
        }
      }
    }
    if (!shared) {
      String why;
      if (named12 > 0 && rsaOnly == named12 && ecKey) {
        why = "client offered only RSA suites; server key is ECDSA";
      } else if (named12 > 0 && ecdsaOnly == named12 && rsaKey) {
        why = "client offered only ECDSA suites; server key is RSA";
      } else {
        why = "client offered " + shortList(hello) + "; enabled: " + shortEnabled(enabled);
      }
      return new Verdict(
          HandshakeFailureCause.NO_SHARED_CIPHER, "no cipher suite in common (" + why + ")");
    }
    if (sniffer != null && sniffer.lastType() == 21 && sniffer.lastAlertDescription() >= 0) {
      int d = sniffer.lastAlertDescription();
      return new Verdict(
          HandshakeFailureCause.PEER_ALERT,
          "client aborted with alert "
              + alertName(d)
              + (d == 42 || d == 43 || d == 44 || d == 45 || d == 46 || d == 48
                  ? ": it does not accept this server's certificate (check its CA file and"
                      + " the host name it expects)"
                  : ""));
    }
    if (sniffer != null && sniffer.lastType() == 23 && sniffer.lastLength() <= 24) {
      return new Verdict(
          HandshakeFailureCause.PEER_ALERT,
          "client aborted with an encrypted TLS 1.3 alert: most often it does not accept this"
              + " server's certificate (check its CA file and the host name it expects)");
    }
    if (find(error, ClosedChannelException.class) != null) {
      return new Verdict(
          HandshakeFailureCause.PEER_CLOSED,
          "closed the connection during the handshake without an alert");
    }
    return new Verdict(
        HandshakeFailureCause.UNKNOWN,
        "handshake failed (" + error.getClass().getSimpleName() + ": " + error.getMessage() + ")");
  }

  /**
   * The engine refused a client that sent no certificate: the verifier never saw one, yet the
   * client got as far as its second flight. In TLS 1.2 the Certificate message is in clear and says
   * so exactly. In TLS 1.3 it is encrypted; the first encrypted record of the client is then its
   * Certificate (no early data here), and one longer than an alert (2 bytes, type and a 16-byte
   * tag: 19, up to 24 with padding) means it was not aborting. With a certificate inside, the
   * verifier would have seen it.
   */
  private static boolean noCertificate(RecordSniffer sniffer) {
    if (sniffer.sentNoCertificateInClear()) {
      return true;
    }
    return sniffer.firstEncryptedLength() > 24 && sniffer.lastAlertDescription() < 0;
  }

  private static String shortList(ClientHello hello) {
    List<String> names = new ArrayList<>();
    for (int code : hello.cipherSuites()) {
      String n = CipherSuites.name(code);
      names.add(n != null ? n : String.format(Locale.ROOT, "0x%04X", code));
      if (names.size() == 4) {
        names.add("...");
        break;
      }
    }
    return String.join(",", names);
  }

  private static String shortEnabled(List<String> enabled) {
    return enabled.size() <= 4
        ? String.join(",", enabled)
        : String.join(",", enabled.subList(0, 3)) + ",... (" + enabled.size() + ")";
  }

  static int versionCode(String v) {
    switch (v) {
      case "TLSv1":
        return ClientHello.TLS10;
      case "TLSv1.1":
        return ClientHello.TLS11;
      case "TLSv1.3":
        return ClientHello.TLS13;
      default:
        return ClientHello.TLS12;
    }
  }

  static String alertName(int d) {
    switch (d) {
      case 0:
        return "close_notify";
      case 10:
        return "unexpected_message";
      case 40:
        return "handshake_failure";
      case 42:
        return "bad_certificate";
      case 43:
        return "unsupported_certificate";
      case 44:
        return "certificate_revoked";
      case 45:
        return "certificate_expired";
      case 46:
        return "certificate_unknown";
      case 47:
        return "illegal_parameter";
      case 48:
        return "unknown_ca";
      case 50:
        return "decode_error";
      case 51:
        return "decrypt_error";
      case 70:
        return "protocol_version";
      case 71:
        return "insufficient_security";
      case 80:
        return "internal_error";
      case 90:
        return "user_canceled";
      case 109:
        return "missing_extension";
      case 112:
        return "unrecognized_name";
      case 116:
        return "certificate_required";
      case 120:
        return "no_application_protocol";
      default:
        return "#" + d;
    }
  }

  /** The verifier's refusal carried in a handshake failure, or null. */
  static ClientCertificateRejected rejection(Throwable error) {
    return find(error, ClientCertificateRejected.class);
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    List<Throwable> todo = new ArrayList<>();
    todo.add(t);
    while (!todo.isEmpty() && seen.size() < 32) {
      Throwable x = todo.remove(todo.size() - 1);
      if (x == null || seen.put(x, Boolean.TRUE) != null) {
        continue;
      }
      if (type.isInstance(x)) {
        return type.cast(x);
      }
      todo.add(x.getCause());
      for (Throwable s : x.getSuppressed()) {
        todo.add(s);
      }
    }
    return null;
  }
}
