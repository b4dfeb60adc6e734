package dev.mqttls.tls.verify;

import dev.mqttls.pki.HeldCertificate;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: CPU per verification of a device chain (ECDSA P-256 leaf and intermediate under a
 * root), for chains never seen before (fast path, then PKIX alone) and for a chain seen before (the
 * cache). Thread CPU time, best of five rounds. Args: [N] (default 500).
 */
public final class VerifierCostHarness {
  private VerifierCostHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    HeldCertificate root =
        HeldCertificate.newBuilder().commonName("Root").certificateAuthority().build();
    HeldCertificate inter =
        HeldCertificate.newBuilder()
            .commonName("Issuing")
            .certificateAuthority(0)
            .signedBy(root)
            .build();
    List<List<X509Certificate>> chains = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HeldCertificate d =
          HeldCertificate.newBuilder()
              .commonName("d" + i)
              .extendedKeyUsage(HeldCertificate.ExtendedUsage.CLIENT_AUTH)
              .keyPair(inter.keyPair()) // key generation is not what is measured
              .signedBy(inter)
              .build();
      chains.add(List.of(d.certificate(), inter.certificate()));
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double fresh = Double.MAX_VALUE;
    double pkix = Double.MAX_VALUE;
    double cached = Double.MAX_VALUE;
    Instant now = Instant.now();
    for (int round = 0; round < 5; round++) {
      ChainVerifier v = ChainVerifier.trusting(List.of(root.certificate()));
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
                "per chain (leaf + intermediate, P-256), best of 5 x %d: new chain %.0f us CPU,"
                    + " seen before %.0f us, JDK PKIX alone %.0f us",
                n,
                fresh,
                cached,
                pkix));
  }
}
