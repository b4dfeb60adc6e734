package dev.mqttls.pki.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.KeyType;
import dev.mqttls.pki.provision.ProvisioningOutcome.Issued;
import dev.mqttls.pki.provision.ProvisioningOutcome.Refused;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provisioning policy, decided without MQTT: each refusal has its code, a batch is consistent.
 */
class ProvisionerTest {
  @TempDir Path dir;
  CertificateAuthority ca;

  @BeforeEach
  void ca() {
    ca = CertificateAuthority.init(dir.resolve("pki"), CaOptions.defaults());
  }

  static byte[] csr(String cn, String algorithm) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      g.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      g.initialize(2048);
    }
    KeyPair kp = g.generateKeyPair();
    return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), kp.getPublic())
        .build(
            new JcaContentSignerBuilder(
                    algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                .build(kp.getPrivate()))
        .getEncoded();
  }

  static ProvisionRequest request(String id, byte[] csr, String token) {
    return new ProvisionRequest(id, csr, Optional.ofNullable(token));
  }

  static String code(ProvisioningOutcome o) {
    return o instanceof Refused r ? r.reason().code() : "issued";
  }

  @Test
  void eachRuleRefusesWithItsCode() throws Exception {
    Path allow = Files.writeString(dir.resolve("allow.txt"), "# ids\ns-1\ns-2\ns-3\n");
    Provisioner p =
        new Provisioner(
            ca,
            ProvisioningPolicy.defaults()
                .withIdPattern(Pattern.compile("s-[0-9]+"))
                .withAllowList(allow)
                .withKeyTypes(EnumSet.of(KeyType.EC_P256)));
    byte[] ec = csr("x", "EC");
    assertThat(code(p.provision(request("bad/id", ec, null)))).isEqualTo("id-invalid");
    assertThat(code(p.provision(request("t-1", ec, null)))).isEqualTo("id-pattern");
    assertThat(code(p.provision(request("s-9", ec, null)))).isEqualTo("id-not-allowed");
    assertThat(code(p.provision(request("s-1", csr("x", "RSA"), null)))).isEqualTo("key-type");
    byte[] tampered = ec.clone();
    tampered[tampered.length - 5] ^= 1;
    assertThat(code(p.provision(request("s-1", tampered, null)))).isEqualTo("bad-csr");
    ProvisioningOutcome ok = p.provision(request("s-1", ec, null));
    assertThat(ok).isInstanceOf(Issued.class);
    assertThat(((Issued) ok).chainPem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(ca.find("s-1")).isPresent();
    assertThat(code(p.provision(request("s-1", csr("x", "EC"), null)))).isEqualTo("id-taken");
    assertThat(((Refused) p.provision(request("t-1", ec, null))).message())
        .doesNotContain("s-[0-9]");
  }

  @Test
  void aBatch_issuesOnceForAnId_andUsesATokenOnce() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "a1\nb2\n");
    Provisioner p = new Provisioner(ca, ProvisioningPolicy.defaults().withTokenFile(tokens));
    List<ProvisioningOutcome> out =
        p.provisionAll(
            List.of(
                request("d-1", csr("d-1", "EC"), "a1"),
                request("d-1", csr("d-1", "EC"), "b2"),
                request("d-2", csr("d-2", "EC"), "a1"),
                request("d-3", csr("d-3", "EC"), null),
                request("d-4", csr("d-4", "EC"), "b2")));
    assertThat(out)
        .extracting(ProvisionerTest::code)
        .containsExactly("issued", "id-taken", "token-invalid", "token-required", "issued");
    assertThat(ca.list()).extracting(e -> e.id()).containsExactly("d-1", "d-4");
    assertThat(Files.readAllLines(dir.resolve("tokens.used")))
        .hasSize(2)
        .noneMatch(l -> l.equals("a1"));
    assertThat(code(p.provision(request("d-5", csr("d-5", "EC"), "b2"))))
        .isEqualTo("token-invalid");
  }

  @Test
  void renewal_needsACurrentDeviceCertificate() throws Exception {
    Provisioner p = new Provisioner(ca, ProvisioningPolicy.defaults());
    assertThat(code(p.renew("nobody", csr("nobody", "EC")))).isEqualTo("not-renewable");
    Issued first = (Issued) p.provision(request("r-1", csr("r-1", "EC"), null));
    Issued second = (Issued) p.renew("r-1", csr("r-1", "EC"));
    assertThat(second.certificate().serial()).isNotEqualTo(first.certificate().serial());
    assertThat(ca.find("r-1").orElseThrow().serial()).isEqualTo(second.certificate().serial());
    ca.revoke("r-1", dev.mqttls.pki.RevocationReason.KEY_COMPROMISE);
    assertThat(code(p.renew("r-1", csr("r-1", "EC")))).isEqualTo("not-renewable");
  }

  @Test
  void csrSubject_readsTheCommonName_ofPemAndDer() throws Exception {
    byte[] der = csr("sensor-4", "EC");
    String pem =
        "-----BEGIN CERTIFICATE REQUEST-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(der)
            + "\n-----END CERTIFICATE REQUEST-----\n";
    assertThat(CsrSubject.commonName(der)).contains("sensor-4");
    assertThat(CsrSubject.commonName(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .contains("sensor-4");
    assertThat(CsrSubject.commonName(new byte[] {0x30, 0x03, 1, 2})).isEmpty();
  }
}
