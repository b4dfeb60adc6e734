package dev.mqttls.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What {@link CertificateAuthority#retirePrevious} did.
 *
 * @param retiredRoot the root that is no longer trusted
 * @param archive where its certificate, key and cross certificate were moved
 * @param stillUnderRetired ids whose current, unrevoked, unexpired certificate the retired CA
 *     issued: they can no longer connect to a broker whose {@code cafile} is the new bundle
 * @param ca the CA as it is now
 */
public record Retirement(
    X509Certificate retiredRoot,
    Path archive,
    List<String> stillUnderRetired,
    CertificateAuthority ca) {
  /** Copies the list. */
  public Retirement {
    stillUnderRetired = List.copyOf(stillUnderRetired);
  }
}
