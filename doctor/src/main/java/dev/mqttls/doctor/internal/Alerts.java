package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import org.bouncycastle.tls.AlertDescription;

/** Turns a TLS alert from the server into a named client-authentication or handshake finding. */
final class Alerts {
  private Alerts() {}

  static String name(short alert) {
    return AlertDescription.getText(alert);
  }

  /**
   * The finding for a fatal alert the server sent during or right after the handshake.
   *
   * @param requested whether the server sent a CertificateRequest
   * @param sent whether we sent a certificate
   */
  static Finding forAlert(short alert, boolean requested, boolean sent, String clientSubject) {
    String who =
        clientSubject == null
            ? "our client certificate"
            : "our client certificate " + clientSubject;
    switch (alert) {
      case AlertDescription.certificate_required:
        return requiredNoneSent(alert);
      case AlertDescription.handshake_failure:
        if (requested && !sent) {
          return requiredNoneSent(alert);
        }
        break;
      case AlertDescription.unknown_ca:
        if (sent) {
          return Finding.fail(
              FindingCode.CLIENT_CERT_UNTRUSTED,
              "The server does not trust the CA that issued " + who + " (alert unknown_ca).",
              "Issue the client certificate from a CA in the broker's cafile (mqttls pki device ...), or add its CA to the broker's cafile.");
        }
        break;
      case AlertDescription.certificate_revoked:
        return Finding.fail(
            FindingCode.CLIENT_CERT_REVOKED,
            "The server says "
                + who
                + " is revoked (alert certificate_revoked): it is on the broker's CRL.",
            "Issue the device a new certificate; a revoked one cannot be reinstated.");
      case AlertDescription.certificate_expired:
        return Finding.fail(
            FindingCode.CLIENT_CERT_EXPIRED,
            "The server says "
                + who
                + " has expired or is not valid yet (alert certificate_expired).",
            "Renew the device certificate (mqttls pki renew ID); check the broker's clock too.");
      case AlertDescription.unsupported_certificate:
        return Finding.fail(
            FindingCode.CLIENT_CERT_WRONG_USAGE,
            "The server refuses "
                + who
                + " for its purpose (alert unsupported_certificate): its key usage or extended key usage does not allow TLS client authentication.",
            "Re-issue it with extendedKeyUsage clientAuth (mqttls pki device ... does this).");
      case AlertDescription.bad_certificate:
      case AlertDescription.certificate_unknown:
      case AlertDescription.decrypt_error:
      case AlertDescription.access_denied:
        if (sent) {
          return Finding.fail(
              FindingCode.CLIENT_CERT_REJECTED,
              "The server rejected " + who + " (alert " + name(alert) + ").",
              "Check the broker's log for the certificate it rejected; check the certificate with mqttls pki show FILE.");
        }
        if (requested) {
          return requiredNoneSent(alert);
        }
        break;
      default:
        break;
    }
    if (sent && alert != AlertDescription.protocol_version) {
      // We got as far as sending our certificate, so cipher and version were agreed: a generic
      // alert now is the server refusing the certificate without naming why.
      return Finding.fail(
          FindingCode.CLIENT_CERT_REJECTED,
          "The server ended the session right after receiving "
              + who
              + ", with the unspecific alert "
              + name(alert)
              + ": it refused the certificate without saying why (untrusted issuer, revoked, expired or wrong usage).",
          "Look for the refusal in the broker's log; check the certificate with mqttls pki show FILE and the broker's cafile and crlfile.");
    }
    return Finding.fail(
        FindingCode.TLS_HANDSHAKE_FAILED,
        "The server ended the handshake with the alert " + name(alert) + "." + hint(alert),
        remedy(alert));
  }

  static Finding requiredNoneSent(short alert) {
    return Finding.fail(
        FindingCode.CLIENT_CERT_REQUIRED,
        "The server requires a client certificate and none was sent (alert " + name(alert) + ").",
        "Give the device a certificate issued by a CA the broker trusts: --cert device.crt --key device.key (mqttls pki device ...).");
  }

  private static String hint(short alert) {
    return switch (alert) {
      case AlertDescription.protocol_version ->
          " The server accepts none of the TLS versions offered.";
      case AlertDescription.handshake_failure, AlertDescription.insufficient_security ->
          " No cipher suite, group or signature algorithm in common.";
      case AlertDescription.unrecognized_name -> " The server does not know the SNI name sent.";
      case AlertDescription.no_application_protocol ->
          " The server accepts none of the ALPN protocols offered.";
      default -> "";
    };
  }

  private static String remedy(short alert) {
    return switch (alert) {
      case AlertDescription.protocol_version ->
          "Enable TLS 1.2 or 1.3 on the broker (tls_version) or on the device.";
      case AlertDescription.handshake_failure, AlertDescription.insufficient_security ->
          "Compare the broker's ciphers/key type with what the device offers; an ECDSA key needs ECDSA suites.";
      case AlertDescription.unrecognized_name ->
          "Pass the name the broker is configured for with --servername.";
      case AlertDescription.no_application_protocol ->
          "Offer the ALPN the broker expects (--tls-alpn), or none.";
      default -> "Check the broker's log at the time of this probe.";
    };
  }
}
