package dev.mqttls.tls.verify;

import dev.mqttls.pki.HeldCertificate;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: CPU per verification of a device chain (ECDSA P-256 leaf and intermediate under a
 * root) by the {@link ChainVerifier}, for new devices under one intermediate and for a chain seen
 * before (its cache), against the JDK's PKIX alone on new devices. Thread CPU time, best of five
 * rounds. Args: [N] (default 300).
 */
public final class VerifierCostHarness {
  private VerifierCostHarness() {}

  // The JDK hands out one object per distinct encoding (its certificate factory caches them) and
  // each object remembers its last successful verification, so every round needs new leaves.
  private static List<List<X509Certificate>> newDevices(
      int n, HeldCertificate inter, KeyPair deviceKey) {
    List<List<X509Certificate>> chains = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HeldCertificate d =
          HeldCertificate.newBuilder()
              .extendedKeyUsage(HeldCertificate.ExtendedUsage.CLIENT_AUTH)
              .keyPair(deviceKey) // key generation is not what is measured
              .signedBy(inter)
              .build();
      chains.add(List.of(d.certificate(), inter.certificate()));
    }
    return chains;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    HeldCertificate root =
        HeldCertificate.newBuilder().commonName("Root").certificateAuthority().build();
    HeldCertificate inter =
        HeldCertificate.newBuilder()
            .commonName("Issuing")
            .certificateAuthority(0)
            .signedBy(root)
            .build();
    KeyPair deviceKey = HeldCertificate.newBuilder().build().keyPair();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double fresh = Double.MAX_VALUE;
    double cached = Double.MAX_VALUE;
    double pkix = Double.MAX_VALUE;
    Instant now = Instant.now();
    for (int round = 0; round < 5; round++) {
      ChainVerifier v = ChainVerifier.trusting(List.of(root.certificate()));
      List<List<X509Certificate>> chains = newDevices(n, inter, deviceKey);
      long t0 = mx.getCurrentThreadCpuTime();
      for (List<X509Certificate> c : chains) {
        v.verify(c, Purpose.CLIENT_AUTH, null, now);
      }
      fresh = Math.min(fresh, (mx.getCurrentThreadCpuTime() - t0) / 1000.0 / n);
      t0 = mx.getCurrentThreadCpuTime();
      for (List<X509Certificate> c : chains) {
        v.verify(c, Purpose.CLIENT_AUTH, null, now);
      }
      cached = Math.min(cached, (mx.getCurrentThreadCpuTime() - t0) / 1000.0 / n);
      chains = newDevices(n, inter, deviceKey);
      t0 = mx.getCurrentThreadCpuTime();
      for (List<X509Certificate> c : chains) {
        if (FastPathDifferentialTest.pkix(c, root.certificate()) != null) {
          throw new IllegalStateException("PKIX refused a good chain");
        }
      }
      pkix = Math.min(pkix, (mx.getCurrentThreadCpuTime() - t0) / 1000.0 / n);
    }
    System.getLogger(VerifierCostHarness.class.getName())
        .log(
            System.Logger.Level.INFO,
            String.format(
                Locale.ROOT,
                "per chain (new P-256 device under one intermediate), best of 5 x %d: ChainVerifier"
                    + " %.0f us CPU, the same chain again %.0f us, JDK PKIX alone %.0f us",
                n,
                fresh,
                cached,
                pkix));
  }
}
