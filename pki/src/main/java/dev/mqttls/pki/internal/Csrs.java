package dev.mqttls.pki.internal;

import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PKCS#10 certificate signing requests made on a device: PEM, DER, or the base64url form an nRF91
 * modem prints for {@code AT%KEYGEN} ({@code %KEYGEN: "<csr>.<attestation>"}).
 */
public final class Csrs {
  private Csrs() {}

  /** Parses the CSR and checks its self-signature; returns the public key it asks for. */
  public static PublicKey verifiedKey(byte[] content, String what) {
    PKCS10CertificationRequest csr;
    try {
      csr = new PKCS10CertificationRequest(der(content));
    } catch (Exception e) {
      throw new PkiException(Reason.BAD_CSR, what + " is not a PKCS#10 CSR: " + Keys.oneLine(e), e);
    }
    boolean valid;
    try {
      valid =
          csr.isSignatureValid(
              new JcaContentVerifierProviderBuilder()
                  .setProvider(Keys.BC)
                  .build(csr.getSubjectPublicKeyInfo()));
    } catch (Exception e) {
      throw new PkiException(
          Reason.BAD_CSR, what + ": cannot check the CSR signature: " + Keys.oneLine(e), e);
    }
    if (!valid) {
      throw new PkiException(
          Reason.BAD_CSR,
          what + ": the CSR signature does not verify (altered, or not signed by its own key)");
    }
    try {
      return Keys.publicKey(csr.getSubjectPublicKeyInfo());
    } catch (Exception e) {
      throw new PkiException(Reason.BAD_CSR, what + ": unsupported CSR key: " + Keys.oneLine(e), e);
    }
  }

  private static byte[] der(byte[] content) {
    String text = new String(content, StandardCharsets.US_ASCII);
    if (Pem.looksLikePem(text)) {
      for (Pem.Block block : Pem.decodeAll(text)) {
        if (block.type().equals("CERTIFICATE REQUEST")
            || block.type().equals("NEW CERTIFICATE REQUEST")) {
          return block.der();
        }
      }
      throw new IllegalArgumentException("no CERTIFICATE REQUEST block");
    }
    String trimmed = text.strip();
    if (!trimmed.isEmpty() && trimmed.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      // nRF91 %KEYGEN output: optional prefix and quotes, base64url CSR, then '.' and attestation.
      String s = trimmed.replaceFirst("^%KEYGEN:\\s*", "").replace("\"", "");
      int dot = s.indexOf('.');
      String b64 = dot >= 0 ? s.substring(0, dot) : s;
      if (b64.matches("[A-Za-z0-9_=-]+")) {
        return Base64.getUrlDecoder().decode(b64.replace("=", ""));
      }
    }
    return content;
  }
}
