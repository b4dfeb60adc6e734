package dev.mqttls.pki;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The CA's current certificate revocation list after {@link CertificateAuthority#writeCrl}.
 *
 * @param file {@code crl.pem}
 * @param rewritten whether this call wrote a new CRL (false: the existing one was current)
 * @param number the CRL number extension
 * @param revokedCount how many serials the CRL lists
 * @param thisUpdate when the CRL was issued
 * @param nextUpdate when it expires: OpenSSL-based brokers refuse every client once it passes
 */
public record CrlStatus(
    Path file,
    boolean rewritten,
    BigInteger number,
    int revokedCount,
    Instant thisUpdate,
    Instant nextUpdate) {}
