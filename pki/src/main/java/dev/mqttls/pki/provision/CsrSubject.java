package dev.mqttls.pki.provision;

import dev.mqttls.pki.internal.Pem;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The subject common name a CSR asks for: the device id when a device sends its bare CSR. Nothing
 * is verified here; {@link Provisioner} verifies the CSR before signing.
 */
public final class CsrSubject {
  private CsrSubject() {}

  /** The CSR's first CN, or empty when it has none or is not a CSR (PEM or DER). */
  public static Optional<String> commonName(byte[] csr) {
    try {
      byte[] der = csr;
      String text = new String(csr, StandardCharsets.US_ASCII);
      if (Pem.looksLikePem(text)) {
        der = null;
        for (Pem.Block b : Pem.decodeAll(text)) {
          if (b.type().endsWith("CERTIFICATE REQUEST")) {
            der = b.der();
            break;
          }
        }
        if (der == null) {
          return Optional.empty();
        }
      }
      RDN[] cns = new PKCS10CertificationRequest(der).getSubject().getRDNs(BCStyle.CN);
      if (cns.length == 0 || cns[0].getFirst() == null) {
        return Optional.empty();
      }
      return Optional.of(IETFUtils.valueToString(cns[0].getFirst().getValue()));
    } catch (RuntimeException | java.io.IOException e) {
      // Bouncy Castle reports malformed ASN.1 with unchecked exceptions: not a CSR, so no name.
      return Optional.empty();
    }
  }
}
