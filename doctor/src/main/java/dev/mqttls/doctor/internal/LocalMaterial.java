package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the trusted CA file and the client certificate and key before any connection. */
final class LocalMaterial {
  private static final Logger LOG = LoggerFactory.getLogger(LocalMaterial.class);

  private final ProbeContext ctx;

  LocalMaterial(ProbeContext ctx) {
    this.ctx = ctx;
  }

  boolean loadLocalMaterial() {
    if (ctx.o.caFile().isPresent()) {
      Path ca = ctx.o.caFile().get();
      ctx.anchorSource = "your CA file " + ca.getFileName();
      try {
        ctx.anchors = Pem.certificates(ca);
      } catch (IOException e) {
        ctx.anchors = List.of();
        ctx.findings.add(
            Finding.fail(
                FindingCode.CAFILE_UNREADABLE,
                "The CA file " + ca + " cannot be read: " + ProbeRunner.describe(e) + ".",
                "Give --cafile a readable PEM file holding the CA certificate."));
        return false;
      }
      if (ctx.anchors.isEmpty()) {
        ctx.findings.add(
            Finding.fail(
                FindingCode.CAFILE_UNREADABLE,
                "The CA file " + ca + " holds no PEM certificate.",
                "Give --cafile a PEM file (-----BEGIN CERTIFICATE-----) holding the CA certificate."));
        return false;
      }
    } else {
      ctx.anchorSource = "the system trust store";
      ctx.anchors = systemAnchors();
    }
    if (ctx.o.certFile().isPresent()) {
      Path cert = ctx.o.certFile().get();
      Path key = ctx.o.keyFile().orElseThrow();
      try {
        List<X509Certificate> chain = Pem.certificates(cert);
        if (chain.isEmpty()) {
          ctx.findings.add(
              Finding.fail(
                  FindingCode.CLIENT_FILES_UNREADABLE,
                  "The client certificate file " + cert + " holds no PEM certificate.",
                  "Give --cert the device certificate in PEM."));
          return true;
        }
        PrivateKey k = Pem.privateKey(key);
        if (k == null) {
          String why =
              Pem.hasEncryptedKey(key) ? "holds an encrypted key" : "holds no PEM private key";
          ctx.findings.add(
              Finding.fail(
                  FindingCode.CLIENT_FILES_UNREADABLE,
                  "The client key file " + key + " " + why + ".",
                  "Give --key the unencrypted PEM private key of the device certificate."));
          return true;
        }
        if (!Certs.keyMatches(k, chain.get(0))) {
          ctx.findings.add(
              Finding.fail(
                  FindingCode.CLIENT_KEY_MISMATCH,
                  "The client key "
                      + key.getFileName()
                      + " does not belong to the client certificate "
                      + Certs.subject(chain.get(0))
                      + " ("
                      + Certs.keyDescription(chain.get(0).getPublicKey())
                      + ").",
                  "Pair the certificate with the key it was issued for; a device with this pair fails its handshake. The probe continues without a client certificate."));
          return true;
        }
        if (Certs.ekuLacks(chain.get(0), Certs.EKU_CLIENT_AUTH)) {
          ctx.findings.add(
              Finding.warn(
                  FindingCode.CLIENT_CERT_WRONG_USAGE,
                  "The client certificate "
                      + Certs.subject(chain.get(0))
                      + " has an extended key usage without clientAuth; brokers that check it will refuse it.",
                  "Re-issue it with extendedKeyUsage clientAuth (mqttls pki device ...)."));
        }
        ctx.credentials = new ClientCredentials(chain, k);
      } catch (IOException e) {
        ctx.findings.add(
            Finding.fail(
                FindingCode.CLIENT_FILES_UNREADABLE,
                "The client certificate or key cannot be read: " + ProbeRunner.describe(e) + ".",
                "Give --cert and --key readable PEM files."));
      }
    }
    return true;
  }

  private static List<X509Certificate> systemAnchors() {
    try {
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((java.security.KeyStore) null);
      for (javax.net.ssl.TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof javax.net.ssl.X509TrustManager x) {
          return List.of(x.getAcceptedIssuers());
        }
      }
    } catch (java.security.GeneralSecurityException e) {
      LOG.debug("no system trust store", e);
    }
    return List.of();
  }
}
