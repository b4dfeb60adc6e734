package dev.mqttls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {
  @TempDir Path tmp;

  private CertificateAuthority ca(KeyType type) {
    return CertificateAuthority.init(tmp.resolve("pki"), CaOptions.defaults().withKeyType(type));
  }

  private static List<X509Certificate> certs(Path file) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    try (var in = Files.newInputStream(file)) {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    return out;
  }

  private static X509CRL crl(Path file) throws Exception {
    try (var in = Files.newInputStream(file)) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "RSA_2048"})
  void init_writesDocumentedLayout_keyMode0600(KeyType type) throws Exception {
    CertificateAuthority ca = ca(type);
    Path dir = tmp.resolve("pki");
    for (String f : List.of("ca.crt", "ca.key", "crl.pem", "index.txt", "README.txt")) {
      assertThat(dir.resolve(f)).isRegularFile();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
        .isEqualTo("rw-------");
    X509Certificate root = certs(dir.resolve("ca.crt")).get(0);
    assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(root.getPublicKey().getAlgorithm()).isEqualTo(type.algorithm());
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=mqttls CA");
    root.verify(root.getPublicKey());
    assertThat(ca.keyType()).isEqualTo(type);
    assertThat(crl(dir.resolve("crl.pem")).getRevokedCertificates()).isNull();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void init_existingCa_refusedAndUntouched() throws Exception {
    ca(KeyType.EC_P256);
    byte[] before = Files.readAllBytes(tmp.resolve("pki/ca.key"));
    assertThatThrownBy(() -> ca(KeyType.EC_P256))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.CA_EXISTS))
        .hasMessageContaining("already exists");
    assertThat(Files.readAllBytes(tmp.resolve("pki/ca.key"))).isEqualTo(before);
  }

  @Test
  void open_noCa_namesInit() {
    assertThatThrownBy(() -> CertificateAuthority.open(tmp.resolve("none")))
        .isInstanceOfSatisfying(
            PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.NO_CA))
        .hasMessageContaining("pki init");
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "RSA_3072"})
  void issueServer_defaults_dnsAndIpSansAndServerAuth(KeyType type) throws Exception {
    CertificateAuthority ca = ca(type);
    IssuedCertificate issued = ca.issueServer("broker.example", ServerOptions.defaults());
    List<X509Certificate> chain = certs(issued.certificateFile());
    X509Certificate cert = chain.get(0);
    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    List<String> sans = new ArrayList<>();
    cert.getSubjectAlternativeNames().forEach(san -> sans.add(san.get(1).toString()));
    assertThat(sans).contains("broker.example", "localhost", "127.0.0.1");
    assertThat(sans).anyMatch(s -> s.equals("0:0:0:0:0:0:0:1"));
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo(type.algorithm());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(issued.keyFile().get())))
        .isEqualTo("rw-------");
    assertThat(ca.list()).extracting(IssuedCertificate::id).containsExactly("broker.example");
  }

  @Test
  void issueNode_bothEkus_serverSans_keptByRenewal() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    IssuedCertificate issued =
        ca.issueNode("node-1", ServerOptions.defaults().withIpAddresses(List.of("127.0.0.1")));
    X509Certificate cert = certs(issued.certificateFile()).get(0);
    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(issued.kind()).isEqualTo(CertificateKind.NODE);
    CertificateInfo info = ca.inspect("node-1");
    assertThat(info.dnsNames()).containsExactly("node-1");
    assertThat(info.ipAddresses()).containsExactly("127.0.0.1");
    assertThat(info.extendedKeyUsages()).containsExactlyInAnyOrder("serverAuth", "clientAuth");
    // The kind survives the index (re-read) and a renewal keeps both roles and the names.
    Renewal r =
        CertificateAuthority.open(tmp.resolve("pki")).renew("node-1", RenewOptions.defaults());
    assertThat(r.issued().kind()).isEqualTo(CertificateKind.NODE);
    X509Certificate renewed = certs(r.issued().certificateFile()).get(0);
    assertThat(renewed.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(ca.inspect("node-1").ipAddresses()).containsExactly("127.0.0.1");
  }

  @Test
  void issueServer_explicitSans_replaceDefaults() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    IssuedCertificate issued =
        ca.issueServer(
            "srv",
            ServerOptions.defaults()
                .withDnsNames(List.of("mqtt.example"))
                .withIpAddresses(List.of("192.168.0.111")));
    List<String> sans = new ArrayList<>();
    certs(issued.certificateFile())
        .get(0)
        .getSubjectAlternativeNames()
        .forEach(s -> sans.add(s.get(1).toString()));
    assertThat(sans).containsExactly("srv", "mqtt.example", "192.168.0.111");
  }

  @Test
  void issueServer_ipNameWithoutDns_refusedWithReason() {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    assertThatThrownBy(
            () ->
                ca.issueServer(
                    "192.168.0.111",
                    ServerOptions.defaults().withIpAddresses(List.of("192.168.0.111"))))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("--dns");
    assertThat(ca.list()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "RSA_2048"})
  void issueDevice_cnIsIdAndClientAuth(KeyType type) throws Exception {
    CertificateAuthority ca = ca(type);
    IssuedCertificate issued = ca.issueDevice("nrf-352656100000001", DeviceOptions.defaults());
    X509Certificate cert = certs(issued.certificateFile()).get(0);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=nrf-352656100000001");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getNotAfter()).isBeforeOrEqualTo(ca.certificate().getNotAfter());
    assertThat(issued.kind()).isEqualTo(CertificateKind.DEVICE);
    assertThat(issued.serial()).isEqualTo(cert.getSerialNumber());
  }

  @Test
  void issueDevice_sameIdTwice_refusedAlreadyExists() {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    ca.issueDevice("d1", DeviceOptions.defaults());
    assertThatThrownBy(() -> ca.issueDevice("d1", DeviceOptions.defaults()))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.ALREADY_EXISTS));
    assertThat(ca.list()).hasSize(1);
  }

  @Test
  void issueDevice_badIds_refused() {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    for (String bad : List.of("../x", "a/b", "", "ca", "with space", "-lead")) {
      assertThatThrownBy(() -> ca.issueDevice(bad, DeviceOptions.defaults()))
          .isInstanceOfSatisfying(
              PkiException.class,
              e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.INVALID_ARGUMENT));
    }
  }

  @Test
  void issueDevices_count_numbersContinueAfterExisting() {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    assertThat(ca.issueDevices("dev-", 3, DeviceOptions.defaults()))
        .extracting(IssuedCertificate::id)
        .containsExactly("dev-1", "dev-2", "dev-3");
    assertThat(ca.issueDevices("dev-", 2, DeviceOptions.defaults()))
        .extracting(IssuedCertificate::id)
        .containsExactly("dev-4", "dev-5");
    assertThat(CertificateAuthority.open(tmp.resolve("pki")).list()).hasSize(5);
    assertThat(tmp.resolve("pki/private/dev-5.key")).isRegularFile();
  }

  @Test
  void concurrentIssuers_indexKeepsEveryCertificate() throws Exception {
    CertificateAuthority.init(tmp.resolve("pki"), CaOptions.defaults());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String prefix = "t" + t + "-";
        // Separate instances, as separate processes would have.
        fs.add(
            pool.submit(
                () -> {
                  CertificateAuthority mine = CertificateAuthority.open(tmp.resolve("pki"));
                  for (int i = 0; i < 5; i++) {
                    mine.issueDevice(prefix + i, DeviceOptions.defaults());
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(CertificateAuthority.open(tmp.resolve("pki")).list()).hasSize(20);
  }

  @Test
  void signCsr_validCsr_certificateForDeviceKeyWithoutKeyFile() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    KeyPair device = ecKeys();
    byte[] csr = csr(device, "CN=ignored").getEncoded();
    IssuedCertificate issued = ca.signCsr("modem-1", csr, DeviceOptions.defaults());
    X509Certificate cert = certs(issued.certificateFile()).get(0);
    assertThat(cert.getPublicKey()).isEqualTo(device.getPublic());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=modem-1");
    assertThat(issued.keyFile()).isEmpty();
    assertThat(tmp.resolve("pki/private/modem-1.key")).doesNotExist();
  }

  @Test
  void signCsr_nrfKeygenBase64Url_accepted() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    byte[] der = csr(ecKeys(), "CN=352656100000000").getEncoded();
    String keygen =
        "%KEYGEN: \""
            + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(der)
            + ".eyJhdHRlc3Qi\"\n";
    IssuedCertificate issued =
        ca.signCsr(
            "imei-352656100000000",
            keygen.getBytes(StandardCharsets.US_ASCII),
            DeviceOptions.defaults());
    assertThat(issued.certificateFile()).isRegularFile();
  }

  @Test
  void signCsr_badSignature_refusedAndNothingWritten() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    byte[] der = csr(ecKeys(), "CN=x").getEncoded();
    der[der.length - 5] ^= 0x01; // inside the signature
    assertThatThrownBy(() -> ca.signCsr("bad", der, DeviceOptions.defaults()))
        .isInstanceOfSatisfying(
            PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.BAD_CSR));
    assertThat(tmp.resolve("pki/certs/bad.crt")).doesNotExist();
    assertThat(ca.list()).isEmpty();
  }

  @Test
  void signCsr_garbage_refusedBadCsr() {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    assertThatThrownBy(
            () ->
                ca.signCsr(
                    "bad", "hello".getBytes(StandardCharsets.US_ASCII), DeviceOptions.defaults()))
        .isInstanceOfSatisfying(
            PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.BAD_CSR));
  }

  @Test
  void revoke_listsSerialInCrl_andSecondRevokeRefused() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    IssuedCertificate d = ca.issueDevice("d1", DeviceOptions.defaults());
    ca.issueDevice("d2", DeviceOptions.defaults());
    IssuedCertificate revoked = ca.revoke("d1", RevocationReason.KEY_COMPROMISE);
    assertThat(revoked.revoked()).isTrue();
    X509CRL crl = crl(ca.crlFile());
    assertThat(crl.getRevokedCertificates()).hasSize(1);
    assertThat(crl.getRevokedCertificate(d.serial())).isNotNull();
    crl.verify(ca.certificate().getPublicKey());
    assertThat(ca.find("d1").orElseThrow().revocationReason())
        .contains(RevocationReason.KEY_COMPROMISE);
    assertThatThrownBy(() -> ca.revoke("d1", RevocationReason.UNSPECIFIED))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.ALREADY_REVOKED));
  }

  @Test
  void revoke_bySerialWithColons() {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    IssuedCertificate d = ca.issueDevice("d1", DeviceOptions.defaults());
    String hex = d.serialHex().toUpperCase();
    StringBuilder colons = new StringBuilder();
    String padded = hex.length() % 2 == 0 ? hex : "0" + hex;
    for (int i = 0; i < padded.length(); i += 2) {
      colons.append(i == 0 ? "" : ":").append(padded, i, i + 2);
    }
    assertThat(ca.revoke(colons.toString(), RevocationReason.SUPERSEDED).id()).isEqualTo("d1");
  }

  @Test
  void revoke_unknownId_refusedAndCrlUntouched() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    byte[] before = Files.readAllBytes(ca.crlFile());
    assertThatThrownBy(() -> ca.revoke("nobody", RevocationReason.UNSPECIFIED))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.UNKNOWN_ID))
        .hasMessageContaining("nobody");
    assertThat(Files.readAllBytes(ca.crlFile())).isEqualTo(before);
  }

  @Test
  void writeCrl_isIdempotent_untilForced() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    CrlStatus first = ca.writeCrl(30, false);
    assertThat(first.rewritten()).isFalse(); // init's CRL is valid for a year
    byte[] bytes = Files.readAllBytes(ca.crlFile());
    assertThat(ca.writeCrl(30, false).rewritten()).isFalse();
    assertThat(Files.readAllBytes(ca.crlFile())).isEqualTo(bytes);
    CrlStatus forced = ca.writeCrl(30, true);
    assertThat(forced.rewritten()).isTrue();
    assertThat(forced.number()).isEqualTo(first.number().add(BigInteger.ONE));
    assertThat(forced.nextUpdate()).isAfter(forced.thisUpdate().plusSeconds(29L * 86400));
  }

  @Test
  void corruptCaKey_issueRefusedAndNothingWritten() throws Exception {
    ca(KeyType.EC_P256);
    Path key = tmp.resolve("pki/ca.key");
    String pem = Files.readString(key);
    Files.writeString(key, pem.substring(0, 40) + "!!!!" + pem.substring(44));
    CertificateAuthority ca = CertificateAuthority.open(tmp.resolve("pki"));
    assertThatThrownBy(() -> ca.issueDevice("d1", DeviceOptions.defaults()))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.CORRUPT_KEY))
        .hasMessageContaining("ca.key");
    assertThat(tmp.resolve("pki/certs/d1.crt")).doesNotExist();
    assertThat(tmp.resolve("pki/private/d1.key")).doesNotExist();
    assertThat(ca.list()).isEmpty();
  }

  @Test
  void swappedCaKey_refusedKeyMismatch() throws Exception {
    ca(KeyType.EC_P256);
    CertificateAuthority.init(tmp.resolve("other"), CaOptions.defaults());
    Files.copy(
        tmp.resolve("other/ca.key"),
        tmp.resolve("pki/ca.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(
            () ->
                CertificateAuthority.open(tmp.resolve("pki"))
                    .issueDevice("d", DeviceOptions.defaults()))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.KEY_MISMATCH));
  }

  @Test
  void encryptedCaKey_needsRightPassword() throws Exception {
    CertificateAuthority.init(tmp.resolve("pki"), CaOptions.defaults(), "s3cret-pw".toCharArray());
    assertThat(Files.readString(tmp.resolve("pki/ca.key"))).contains("ENCRYPTED PRIVATE KEY");
    assertThatThrownBy(
            () ->
                CertificateAuthority.open(tmp.resolve("pki"))
                    .issueDevice("d", DeviceOptions.defaults()))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.PASSWORD_REQUIRED));
    assertThatThrownBy(
            () ->
                CertificateAuthority.open(tmp.resolve("pki"), "wrong".toCharArray())
                    .issueDevice("d", DeviceOptions.defaults()))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.WRONG_PASSWORD))
        .hasMessageNotContaining("wrong\"")
        .hasMessageNotContaining("s3cret");
    assertThat(tmp.resolve("pki/certs/d.crt")).doesNotExist();
    CertificateAuthority.open(tmp.resolve("pki"), "s3cret-pw".toCharArray())
        .issueDevice("d", DeviceOptions.defaults());
    assertThat(tmp.resolve("pki/certs/d.crt")).isRegularFile();
  }

  @Test
  void intermediate_leavesCarryChainAndVerifyToRoot() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.init(tmp.resolve("pki"), CaOptions.defaults().withIntermediate(true));
    assertThat(tmp.resolve("pki/intermediate.crt")).isRegularFile();
    IssuedCertificate d = ca.issueDevice("d1", DeviceOptions.defaults());
    List<X509Certificate> chain = certs(d.certificateFile());
    assertThat(chain).hasSize(2);
    chain.get(0).verify(chain.get(1).getPublicKey());
    chain.get(1).verify(ca.certificate().getPublicKey());
    assertThat(ca.inspect("d1").verification().orElseThrow().verified()).isTrue();
    // The root key can go offline: issuing needs only the intermediate's key.
    Files.move(tmp.resolve("pki/ca.key"), tmp.resolve("root.key.offline"));
    CertificateAuthority reopened = CertificateAuthority.open(tmp.resolve("pki"));
    reopened.issueDevice("d2", DeviceOptions.defaults());
    reopened.revoke("d1", RevocationReason.UNSPECIFIED);
    crl(ca.crlFile()).verify(chain.get(1).getPublicKey());
  }

  @Test
  void inspect_issuedAndForeign() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    ca.issueServer("srv", ServerOptions.defaults().withDnsNames(List.of("mqtt.example")));
    CertificateInfo info = ca.inspect("srv");
    assertThat(info.subject()).isEqualTo("CN=srv");
    assertThat(info.dnsNames()).containsExactly("srv", "mqtt.example");
    assertThat(info.extendedKeyUsages()).containsExactly("serverAuth");
    assertThat(info.keyAlgorithm()).isEqualTo("EC");
    assertThat(info.keyBits()).isEqualTo(256);
    assertThat(info.ca()).isFalse();
    assertThat(info.sha256Fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(info.verification().orElseThrow().verified()).isTrue();
    assertThat(info.revoked()).contains(false);

    CertificateAuthority other =
        CertificateAuthority.init(tmp.resolve("other"), CaOptions.defaults());
    IssuedCertificate foreign = other.issueDevice("x", DeviceOptions.defaults());
    CertificateInfo fi = ca.inspect(foreign.certificateFile().toString());
    assertThat(fi.verification().orElseThrow().verified()).isFalse();
    assertThat(fi.verification().orElseThrow().detail()).contains("different CA");
    assertThat(ca.inspect("ca").ca()).isTrue();
    assertThatThrownBy(() -> ca.inspect("no-such-thing"))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.BAD_INPUT_FILE));
  }

  @Test
  void corruptIndexLine_namesFileAndLine() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    ca.issueDevice("d1", DeviceOptions.defaults());
    Files.writeString(
        tmp.resolve("pki/index.txt"), "garbage line\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(ca::list)
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.CORRUPT_FILE))
        .hasMessageContaining("index.txt:5");
  }

  @Test
  void export_p12AndJks_loadWithPasswordAndHoldChain() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    ca.issueDevice("d1", DeviceOptions.defaults());
    for (ExportFormat f : List.of(ExportFormat.P12, ExportFormat.JKS)) {
      byte[] data = ca.export("d1", ExportOptions.of(f), "pw-123".toCharArray());
      KeyStore ks = KeyStore.getInstance(f == ExportFormat.P12 ? "PKCS12" : "JKS");
      ks.load(new ByteArrayInputStream(data), "pw-123".toCharArray());
      assertThat(ks.getKey("d1", "pw-123".toCharArray())).isNotNull();
      assertThat(ks.getCertificateChain("d1")).hasSize(2);
      assertThat(ks.getCertificate("ca")).isEqualTo(ca.certificate());
    }
    assertThatThrownBy(() -> ca.export("d1", ExportOptions.of(ExportFormat.P12), null))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("password");
  }

  @Test
  void export_keyOfCsrDevice_refusedKeyNotAvailable() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    ca.signCsr("modem", csr(ecKeys(), "CN=m").getEncoded(), DeviceOptions.defaults());
    for (ExportOptions o :
        List.of(
            ExportOptions.of(ExportFormat.C_HEADER).withKey(true),
            ExportOptions.of(ExportFormat.PEM).withKey(true),
            ExportOptions.of(ExportFormat.P12))) {
      assertThatThrownBy(() -> ca.export("modem", o, "pw".toCharArray()))
          .isInstanceOfSatisfying(
              PkiException.class,
              e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.KEY_NOT_AVAILABLE));
    }
    Path out = tmp.resolve("out.h");
    assertThatThrownBy(
            () ->
                ca.export(
                    "modem", ExportOptions.of(ExportFormat.C_HEADER).withKey(true), null, out))
        .isInstanceOf(PkiException.class);
    assertThat(out).doesNotExist();
    // Without the key the firmware formats still work.
    assertThat(
            new String(
                ca.export("modem", ExportOptions.of(ExportFormat.C_HEADER), null),
                StandardCharsets.US_ASCII))
        .contains("mqttls_device_cert");
  }

  @Test
  void export_cHeader_mbedtlsStyleWithNulCountingLength() {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    String h =
        new String(
            ca.export("ca", ExportOptions.of(ExportFormat.C_HEADER).withSymbol("my_ca"), null),
            StandardCharsets.US_ASCII);
    assertThat(h).contains("const char my_ca[] =\n    \"-----BEGIN CERTIFICATE-----\\r\\n\"");
    assertThat(h).contains("\"-----END CERTIFICATE-----\\r\\n\";");
    assertThat(h).contains("const size_t my_ca_len = sizeof(my_ca);");
    assertThat(h).contains("#include <stddef.h>");
  }

  @Test
  void export_cHeader_caNameCannotEndTheComment() {
    CertificateAuthority ca =
        CertificateAuthority.init(
            tmp.resolve("pki"), CaOptions.defaults().withName("x */ int evil; /*"));
    String h =
        new String(
            ca.export("ca", ExportOptions.of(ExportFormat.C_HEADER), null),
            StandardCharsets.US_ASCII);
    assertThat(h).doesNotContain("*/ int evil").contains("x * / int evil");
  }

  @Test
  void export_zephyrAndNrfAt_carryThePem() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    ca.issueDevice("d1", DeviceOptions.defaults());
    String caPem = Files.readString(ca.certificateFile());
    String z =
        new String(
            ca.export("ca", ExportOptions.of(ExportFormat.ZEPHYR), null),
            StandardCharsets.US_ASCII);
    assertThat(z).contains("#define CA_CERTIFICATE \\\n\t\"-----BEGIN CERTIFICATE-----\\n\" \\\n");
    String at =
        new String(
            ca.export(
                "d1",
                ExportOptions.of(ExportFormat.NRF_AT).withSecTag(16842753).withKey(true),
                null),
            StandardCharsets.US_ASCII);
    assertThat(at).startsWith("AT%CMNG=0,16842753,0,\"" + caPem.strip() + "\"\n");
    assertThat(at).contains("AT%CMNG=0,16842753,1,\"-----BEGIN CERTIFICATE-----");
    assertThat(at).contains("AT%CMNG=0,16842753,2,\"-----BEGIN PRIVATE KEY-----");
    assertThatThrownBy(() -> ca.export("d1", ExportOptions.of(ExportFormat.NRF_AT), null))
        .hasMessageContaining("--sec-tag");
    assertThatThrownBy(
            () -> ca.export("ca", ExportOptions.of(ExportFormat.PEM).withKey(true), null))
        .hasMessageContaining("never exported");
    assertThatThrownBy(() -> ca.export("ghost", ExportOptions.of(ExportFormat.PEM), null))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.UNKNOWN_ID));
  }

  @Test
  void export_withKeyToFile_mode0600() throws Exception {
    CertificateAuthority ca = ca(KeyType.EC_P256);
    ca.issueDevice("d1", DeviceOptions.defaults());
    Path out = tmp.resolve("d1.pem");
    ca.export("d1", ExportOptions.of(ExportFormat.PEM).withKey(true), null, out);
    assertThat(Files.readString(out)).contains("BEGIN CERTIFICATE", "BEGIN PRIVATE KEY");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rw-------");
  }

  static KeyPair ecKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static org.bouncycastle.pkcs.PKCS10CertificationRequest csr(KeyPair keys, String subject)
      throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
  }
}
