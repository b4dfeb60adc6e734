package dev.mqttls.pki.internal;

import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate revocation lists (RFC 5280 section 5) signed by the issuing CA. */
public final class Crls {
  private Crls() {}

  /** One revoked certificate: its serial, when, and the RFC 5280 reason code. */
  public record Entry(BigInteger serial, Instant revokedAt, int reasonCode) {}

  /** Builds and signs a CRL listing every revoked entry of the CA's index. */
  public static X509CRL build(
      X509Certificate issuer,
      java.security.PrivateKey key,
      List<IssuedCertificate> revoked,
      Instant thisUpdate,
      Instant nextUpdate,
      BigInteger number) {
    return sign(
        issuer,
        key,
        revoked.stream()
            .map(
                e ->
                    new Entry(
                        e.serial(),
                        e.revokedAt().orElseThrow(),
                        e.revocationReason().orElseThrow().code()))
            .toList(),
        thisUpdate,
        nextUpdate,
        number);
  }

  /** Builds and signs a CRL listing {@code revoked}: the one place CRLs are made. */
  public static X509CRL sign(
      X509Certificate issuer,
      java.security.PrivateKey key,
      List<Entry> revoked,
      Instant thisUpdate,
      Instant nextUpdate,
      BigInteger number) {
    try {
      X509v2CRLBuilder b = new JcaX509v2CRLBuilder(issuer, Date.from(thisUpdate));
      b.setNextUpdate(Date.from(nextUpdate));
      for (Entry e : revoked) {
        b.addCRLEntry(e.serial(), Date.from(e.revokedAt()), e.reasonCode());
      }
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer));
      b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
      JcaContentSignerBuilder signer =
          new JcaContentSignerBuilder(Keys.signatureAlgorithm(issuer.getPublicKey()));
      if (key.getClass().getName().startsWith("org.bouncycastle")) {
        signer.setProvider(Keys.BC);
      }
      var holder = b.build(signer.build(key));
      return parse(holder.getEncoded());
    } catch (Exception e) {
      throw new PkiException(Reason.IO, "cannot build the CRL: " + Keys.oneLine(e), e);
    }
  }

  /** Parses a DER CRL. */
  public static X509CRL parse(byte[] der) {
    try {
      return (X509CRL)
          CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    } catch (CRLException | CertificateException e) {
      throw new PkiException(Reason.CORRUPT_FILE, "not a CRL: " + Keys.oneLine(e), e);
    }
  }

  /** The CRL number extension, or zero when absent. */
  public static BigInteger number(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (ext == null) {
      return BigInteger.ZERO;
    }
    var octets = org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets();
    return CRLNumber.getInstance(octets).getCRLNumber();
  }
}
