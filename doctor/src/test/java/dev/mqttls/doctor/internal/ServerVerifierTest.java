package dev.mqttls.doctor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.pki.HeldCertificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;

/**
 * The doctor's explanation of a server chain, on the verdict of the one chain verifier: the Let's
 * Encrypt case without a network (a leaf whose intermediate is not sent, with an AIA caIssuers URL,
 * and a CA file holding only the root), a CA regenerated under the same name, and an expired CA in
 * the CA file, which the JDK's PKIX alone would let pass.
 */
class ServerVerifierTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  private static HeldCertificate.Builder at(HeldCertificate.Builder b) {
    return b.validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
  }

  private static HeldCertificate ca(String cn) {
    return at(HeldCertificate.newBuilder().commonName(cn).certificateAuthority()).build();
  }

  private static HeldCertificate.Builder server(HeldCertificate issuer) {
    return at(HeldCertificate.newBuilder()
            .commonName("broker.example")
            .addSubjectAlternativeName("broker.example")
            .extendedKeyUsage(HeldCertificate.ExtendedUsage.SERVER_AUTH))
        .signedBy(issuer);
  }

  private static ServerVerifier.Outcome verify(HeldCertificate root, HeldCertificate... chain) {
    return new ServerVerifier(List.of(root.certificate()), "your CA file ca.crt", NOW, false)
        .verify(
            java.util.Arrays.stream(chain).map(HeldCertificate::certificate).toList(),
            "broker.example",
            "broker.example");
  }

  private static Finding finding(ServerVerifier.Outcome o, FindingCode code) {
    return o.findings().stream().filter(x -> x.code() == code).findFirst().orElseThrow();
  }

  @Test
  void missingIntermediate_namesItAndTheAiaUrl() throws Exception {
    HeldCertificate root = ca("ISRG Root X1 (test)");
    HeldCertificate inter =
        at(HeldCertificate.newBuilder().commonName("R11 (test)").certificateAuthority())
            .signedBy(root)
            .build();
    HeldCertificate leaf =
        server(inter)
            .addExtension(
                Extension.authorityInfoAccess.getId(),
                false,
                new AuthorityInformationAccess(
                        AccessDescription.id_ad_caIssuers,
                        new GeneralName(
                            GeneralName.uniformResourceIdentifier, "http://r11.i.lencr.org/"))
                    .getEncoded())
            .build();

    ServerVerifier.Outcome o = verify(root, leaf);

    assertThat(o.trusted()).isFalse();
    Finding f = finding(o, FindingCode.SERVER_ISSUER_MISSING);
    assertThat(f.message())
        .contains("CN=R11 (test)")
        .contains("http://r11.i.lencr.org/")
        .endsWith("[UNKNOWN_ISSUER]");
    assertThat(f.remedy()).contains("fullchain.pem");
    assertThat(o.findings()).extracting(Finding::code).contains(FindingCode.NAME_MATCHED);
  }

  @Test
  void intermediateSent_chainsToTheRoot() {
    HeldCertificate root = ca("Root");
    HeldCertificate inter =
        at(HeldCertificate.newBuilder().commonName("Inter").certificateAuthority())
            .signedBy(root)
            .build();
    HeldCertificate leaf = server(inter).build();

    ServerVerifier.Outcome o = verify(root, leaf, inter);

    assertThat(o.trusted()).as(o.findings().toString()).isTrue();
    assertThat(Certs.caIssuersUrl(leaf.certificate())).isNull();
  }

  @Test
  void caRegeneratedUnderTheSameName_wrongCaWithTheSharedCauseWord() {
    HeldCertificate root = ca("Fleet CA");
    HeldCertificate regenerated = ca("Fleet CA");
    ServerVerifier.Outcome o = verify(root, server(regenerated).build());

    assertThat(o.trusted()).isFalse();
    assertThat(finding(o, FindingCode.SERVER_WRONG_CA).message())
        .contains("the keys differ")
        .endsWith("[ISSUER_KEY_MISMATCH]");
  }

  @Test
  void expiredCaInTheCaFile_refusedThoughTheServerCertificateIsValid() {
    HeldCertificate oldRoot =
        HeldCertificate.newBuilder()
            .commonName("Old CA")
            .certificateAuthority()
            .validity(NOW.minus(Duration.ofDays(900)), NOW.minus(Duration.ofDays(1)))
            .build();
    ServerVerifier.Outcome o = verify(oldRoot, server(oldRoot).build());

    assertThat(o.trusted()).isFalse();
    assertThat(finding(o, FindingCode.SERVER_CERT_EXPIRED).message())
        .contains("The trusted CA CN=Old CA")
        .endsWith("[EXPIRED]");
  }
}
