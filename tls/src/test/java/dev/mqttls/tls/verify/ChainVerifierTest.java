package dev.mqttls.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.pki.HeldCertificate;
import dev.mqttls.pki.HeldCertificate.ExtendedUsage;
import dev.mqttls.pki.HeldCertificate.Usage;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Named chains every verifier must refuse, each with the error it is refused with; the fast path
 * refuses each too, and where the JDK's PKIX accepts (the trust anchor's own dates and path length)
 * the verifier still refuses.
 */
class ChainVerifierTest {
  private static final Instant NOW = Instant.now();

  private final HeldCertificate root =
      HeldCertificate.newBuilder()
          .commonName("Test Root")
          .certificateAuthority()
          .validFor(days(3650))
          .build();

  private static Duration days(int n) {
    return Duration.ofDays(n);
  }

  private HeldCertificate.Builder device(String cn) {
    return HeldCertificate.newBuilder()
        .commonName(cn)
        .extendedKeyUsage(ExtendedUsage.CLIENT_AUTH)
        .validFor(days(30));
  }

  private CertificateRejected refused(
      HeldCertificate anchor, Purpose purpose, HeldCertificate... chain) {
    List<X509Certificate> certs =
        java.util.Arrays.stream(chain).map(HeldCertificate::certificate).toList();
    return org.assertj.core.api.Assertions.catchThrowableOfType(
        CertificateRejected.class,
        () ->
            ChainVerifier.trusting(List.of(anchor.certificate()))
                .verify(certs, purpose, null, NOW));
  }

  private static boolean fastPathVouches(HeldCertificate anchor, HeldCertificate... path) {
    return new FastPath(4)
        .vouches(
            java.util.Arrays.stream(path).map(HeldCertificate::certificate).toList(),
            anchor.certificate(),
            Date.from(NOW));
  }

  @Test
  void verify_deviceChainToTrustedRoot_accepted() throws Exception {
    HeldCertificate intermediate =
        HeldCertificate.newBuilder()
            .commonName("Issuing")
            .certificateAuthority(0)
            .signedBy(root)
            .build();
    HeldCertificate leaf = device("sensor-1").signedBy(intermediate).build();
    // sent with the root and out of order: the path is built from what was sent
    VerifiedChain v =
        ChainVerifier.trusting(List.of(root.certificate()))
            .verify(
                List.of(leaf.certificate(), root.certificate(), intermediate.certificate()),
                Purpose.CLIENT_AUTH,
                null,
                NOW);
    assertThat(v.path()).containsExactly(leaf.certificate(), intermediate.certificate());
    assertThat(v.anchor()).isEqualTo(root.certificate());
    assertThat(fastPathVouches(root, leaf, intermediate)).isTrue();
  }

  @Test
  void verify_deviceCertificateUsedAsIssuer_issuerNotCa() {
    HeldCertificate device = device("sensor-1").signedBy(root).build();
    HeldCertificate forged = device("sensor-2").signedBy(device).build();
    CertificateRejected r = refused(root, Purpose.CLIENT_AUTH, forged, device);
    assertThat(r.error()).isEqualTo(CertificateError.ISSUER_NOT_CA);
    assertThat(r.certificate()).contains(device.certificate());
    assertThat(fastPathVouches(root, forged, device)).isFalse();
  }

  @Test
  void verify_expiredIntermediate_expiredAtTheIntermediate() {
    HeldCertificate intermediate =
        HeldCertificate.newBuilder()
            .commonName("Old Issuing")
            .certificateAuthority()
            .validity(NOW.minus(days(400)), NOW.minus(days(2)))
            .signedBy(root)
            .build();
    HeldCertificate leaf = device("sensor-1").signedBy(intermediate).build();
    CertificateRejected r = refused(root, Purpose.CLIENT_AUTH, leaf, intermediate);
    assertThat(r.error()).isEqualTo(CertificateError.EXPIRED);
    assertThat(r.certificate()).contains(intermediate.certificate());
    assertThat(fastPathVouches(root, leaf, intermediate)).isFalse();
  }

  @Test
  void verify_pathLongerThanIntermediatePathLen_pathTooLong() {
    HeldCertificate upper =
        HeldCertificate.newBuilder()
            .commonName("Upper")
            .certificateAuthority(0)
            .signedBy(root)
            .build();
    HeldCertificate lower =
        HeldCertificate.newBuilder()
            .commonName("Lower")
            .certificateAuthority()
            .signedBy(upper)
            .build();
    HeldCertificate leaf = device("sensor-1").signedBy(lower).build();
    assertThat(refused(root, Purpose.CLIENT_AUTH, leaf, lower, upper).error())
        .isEqualTo(CertificateError.PATH_TOO_LONG);
    assertThat(fastPathVouches(root, leaf, lower, upper)).isFalse();
  }

  @Test
  void verify_issuerWithoutKeyCertSign_issuerCannotSign() {
    HeldCertificate intermediate =
        HeldCertificate.newBuilder()
            .commonName("No Sign")
            .certificateAuthority()
            .keyUsage(Usage.DIGITAL_SIGNATURE, Usage.CRL_SIGN)
            .signedBy(root)
            .build();
    HeldCertificate leaf = device("sensor-1").signedBy(intermediate).build();
    assertThat(refused(root, Purpose.CLIENT_AUTH, leaf, intermediate).error())
        .isEqualTo(CertificateError.ISSUER_CANNOT_SIGN);
    assertThat(fastPathVouches(root, leaf, intermediate)).isFalse();
  }

  @Test
  void verify_issuerWithoutBasicConstraints_issuerNotCa() {
    HeldCertificate intermediate =
        HeldCertificate.newBuilder()
            .commonName("No Constraints")
            .certificateAuthority()
            .withoutBasicConstraints()
            .signedBy(root)
            .build();
    HeldCertificate leaf = device("sensor-1").signedBy(intermediate).build();
    assertThat(refused(root, Purpose.CLIENT_AUTH, leaf, intermediate).error())
        .isEqualTo(CertificateError.ISSUER_NOT_CA);
    assertThat(fastPathVouches(root, leaf, intermediate)).isFalse();
  }

  @Test
  void verify_serverOnlyEkuOfferedAsClientCertificate_wrongPurpose() {
    HeldCertificate server =
        HeldCertificate.newBuilder()
            .commonName("broker")
            .extendedKeyUsage(ExtendedUsage.SERVER_AUTH)
            .signedBy(root)
            .build();
    assertThat(refused(root, Purpose.CLIENT_AUTH, server).error())
        .isEqualTo(CertificateError.WRONG_PURPOSE);
  }

  @Test
  void verify_sameIssuerNameAnotherKey_issuerKeyMismatch() {
    HeldCertificate impostor =
        HeldCertificate.newBuilder().commonName("Test Root").certificateAuthority().build();
    HeldCertificate leaf = device("sensor-1").signedBy(impostor).build();
    CertificateRejected r = refused(root, Purpose.CLIENT_AUTH, leaf);
    assertThat(r.error()).isEqualTo(CertificateError.ISSUER_KEY_MISMATCH);
    assertThat(fastPathVouches(root, leaf)).isFalse();
  }

  @Test
  void verify_expiredTrustAnchor_expiredThoughPkixAccepts() throws Exception {
    HeldCertificate oldRoot =
        HeldCertificate.newBuilder()
            .commonName("Old Root")
            .certificateAuthority()
            .validity(NOW.minus(days(900)), NOW.minus(days(1)))
            .build();
    HeldCertificate leaf =
        device("sensor-1")
            .validity(NOW.minus(days(10)), NOW.plus(days(10)))
            .signedBy(oldRoot)
            .build();
    assertThat(FastPathDifferentialTest.pkix(List.of(leaf.certificate()), oldRoot.certificate()))
        .as("the JDK's PKIX does not look at the anchor's dates")
        .isNull();
    CertificateRejected r = refused(oldRoot, Purpose.CLIENT_AUTH, leaf);
    assertThat(r.error()).isEqualTo(CertificateError.EXPIRED);
    assertThat(r.certificate()).contains(oldRoot.certificate());
    assertThat(fastPathVouches(oldRoot, leaf)).isFalse();
  }

  @Test
  void verify_chainLongerThanAnchorPathLen_pathTooLongThoughPkixAccepts() throws Exception {
    HeldCertificate strictRoot =
        HeldCertificate.newBuilder().commonName("Strict Root").certificateAuthority(0).build();
    HeldCertificate intermediate =
        HeldCertificate.newBuilder()
            .commonName("Issuing")
            .certificateAuthority()
            .signedBy(strictRoot)
            .build();
    HeldCertificate leaf = device("sensor-1").signedBy(intermediate).build();
    assertThat(
            FastPathDifferentialTest.pkix(
                List.of(leaf.certificate(), intermediate.certificate()), strictRoot.certificate()))
        .as("the JDK's PKIX does not look at the anchor's pathLenConstraint")
        .isNull();
    assertThat(refused(strictRoot, Purpose.CLIENT_AUTH, leaf, intermediate).error())
        .isEqualTo(CertificateError.PATH_TOO_LONG);
    assertThat(fastPathVouches(strictRoot, leaf, intermediate)).isFalse();
  }

  @Test
  void verify_selfSignedLeafNotTrusted_selfSigned() {
    HeldCertificate self = device("lonely").build();
    assertThat(refused(root, Purpose.SERVER_AUTH, self).error())
        .isEqualTo(CertificateError.SELF_SIGNED);
  }

  @Test
  void verify_pinnedSelfSignedServer_accepted() throws Exception {
    HeldCertificate self =
        HeldCertificate.newBuilder()
            .commonName("broker")
            .addSubjectAlternativeName("localhost")
            .build();
    VerifiedChain v =
        ChainVerifier.trusting(List.of(self.certificate()))
            .verify(List.of(self.certificate()), Purpose.SERVER_AUTH, "ECDHE_ECDSA", NOW);
    assertThat(v.leaf()).isEqualTo(self.certificate());
  }

  @Test
  void verify_noCertificate_noCertificate() {
    assertThatThrownBy(
            () ->
                ChainVerifier.trusting(List.of(root.certificate()))
                    .verify(List.of(), Purpose.CLIENT_AUTH, null, NOW))
        .isInstanceOfSatisfying(
            CertificateRejected.class,
            r -> assertThat(r.error()).isEqualTo(CertificateError.NO_CERTIFICATE));
  }

  @Test
  void verify_cachedChainExpiresLater_refusedThen() throws Exception {
    HeldCertificate leaf =
        device("sensor-1").validity(NOW.minus(days(1)), NOW.plus(days(1))).signedBy(root).build();
    ChainVerifier v = ChainVerifier.trusting(List.of(root.certificate()));
    v.verify(List.of(leaf.certificate()), Purpose.CLIENT_AUTH, null, NOW);
    assertThatThrownBy(
            () ->
                v.verify(List.of(leaf.certificate()), Purpose.CLIENT_AUTH, null, NOW.plus(days(2))))
        .isInstanceOfSatisfying(
            CertificateRejected.class,
            r -> assertThat(r.error()).isEqualTo(CertificateError.EXPIRED));
  }

  @Test
  void fastPath_manyIssuerKeys_cacheStaysBounded() {
    FastPath fast = new FastPath(3);
    for (int i = 0; i < 10; i++) {
      HeldCertificate ca =
          HeldCertificate.newBuilder().commonName("CA " + i).certificateAuthority().build();
      HeldCertificate leaf = device("d" + i).signedBy(ca).build();
      assertThat(fast.vouches(List.of(leaf.certificate()), ca.certificate(), Date.from(NOW)))
          .isTrue();
      assertThat(fast.cachedKeys()).isLessThanOrEqualTo(3);
    }
  }
}
