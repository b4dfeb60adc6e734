package dev.mqttls.pki.provision;

import dev.mqttls.pki.IssuedCertificate;

/** What a provisioning or renewal request came to: a certificate, or a refusal with a reason. */
public sealed interface ProvisioningOutcome {
  /** The device id the request was for (as given, for the reply topic; may be invalid). */
  String id();

  /**
   * A certificate was issued and is in the CA's index.
   *
   * @param id the device id
   * @param chainPem the certificate chain, leaf first (then any intermediate), PEM
   * @param certificate the index entry
   */
  record Issued(String id, String chainPem, IssuedCertificate certificate)
      implements ProvisioningOutcome {}

  /**
   * The request was refused.
   *
   * @param id the device id as given
   * @param reason the documented reason
   * @param message one line for the device and the log; names no file, path or other device
   */
  record Refused(String id, RefusalReason reason, String message) implements ProvisioningOutcome {
    /** The reply payload: {@code CODE: message}. */
    public String payload() {
      return reason.code() + ": " + message;
    }
  }
}
