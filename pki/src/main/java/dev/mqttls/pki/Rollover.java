package dev.mqttls.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * What {@link CertificateAuthority#rollover} did: a new CA generation now issues, the previous one
 * is still trusted beside it.
 *
 * @param previousRoot the root that devices in the field trust today
 * @param newRoot the new root, now the first certificate of {@code ca.crt}
 * @param crossCertificate the new root's key and name certified by the previous root ({@code
 *     cross.crt}), which server certificates carry in their chain so that devices holding only the
 *     previous root still verify them; empty when the previous root's path length constraint
 *     forbids another CA below it (a root made before mqttls allowed rollover)
 * @param bundle {@code ca.crt}, now both roots: the file for a broker's {@code cafile}
 * @param ca the CA as it is now
 */
public record Rollover(
    X509Certificate previousRoot,
    X509Certificate newRoot,
    Optional<X509Certificate> crossCertificate,
    Path bundle,
    CertificateAuthority ca) {}
