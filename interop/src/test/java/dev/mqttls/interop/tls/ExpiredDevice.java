package dev.mqttls.interop.tls;

import dev.mqttls.tls.PemReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A device certificate signed by the test CA but valid only in the past; our pki refuses to issue
 * one, so it is made here from the CA's key file.
 */
final class ExpiredDevice {
  private ExpiredDevice() {}

  /** Writes {@code name.crt}/{@code name.key} into {@code dir}; returns {cert, key}. */
  static Path[] issue(Path caCert, Path caKey, Path dir, String cn, Instant notAfter)
      throws Exception {
    X509Certificate ca = PemReader.readCertificates(caCert).get(0);
    PrivateKey caPrivate = PemReader.readPrivateKey(caKey, null);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                        BigInteger.valueOf(System.nanoTime()),
                        Date.from(notAfter.minusSeconds(30L * 86400)),
                        Date.from(notAfter),
                        new X500Name("CN=" + cn),
                        kp.getPublic())
                    .build(
                        new JcaContentSignerBuilder(
                                caPrivate.getAlgorithm().equals("RSA")
                                    ? "SHA256withRSA"
                                    : "SHA256withECDSA")
                            .build(caPrivate)));
    Path certFile = dir.resolve(cn + ".crt");
    Path keyFile = dir.resolve(cn + ".key");
    write(certFile, List.of(cert));
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(keyFile))) {
      w.writeObject(new JcaPKCS8Generator(kp.getPrivate(), null));
    }
    return new Path[] {certFile, keyFile};
  }

  private static void write(Path file, List<?> objects) throws Exception {
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(file))) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    }
  }
}
