package dev.mqttls.interop.tls;

import dev.mqttls.pki.HeldCertificate;
import dev.mqttls.tls.PemReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A device certificate signed by the test CA but valid only in the past; our file CA refuses to
 * issue one, so pki's in-memory core makes it here from the CA's key file.
 */
final class ExpiredDevice {
  private ExpiredDevice() {}

  /** Writes {@code name.crt}/{@code name.key} into {@code dir}; returns {cert, key}. */
  static Path[] issue(Path caCert, Path caKey, Path dir, String cn, Instant notAfter)
      throws Exception {
    X509Certificate ca = PemReader.readCertificates(caCert).get(0);
    HeldCertificate issuer =
        HeldCertificate.of(
            ca, new KeyPair(ca.getPublicKey(), PemReader.readPrivateKey(caKey, null)));
    HeldCertificate device =
        HeldCertificate.newBuilder()
            .commonName(cn)
            .validity(notAfter.minusSeconds(30L * 86400), notAfter)
            .signedBy(issuer)
            .build();
    Path certFile = dir.resolve(cn + ".crt");
    Path keyFile = dir.resolve(cn + ".key");
    Files.writeString(certFile, device.certificatePem());
    Files.writeString(keyFile, device.privateKeyPkcs8Pem());
    return new Path[] {certFile, keyFile};
  }
}
