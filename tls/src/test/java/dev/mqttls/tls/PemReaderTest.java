package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every key form users bring, made by the openssl CLI as users make them, loads and matches its
 * certificate; mismatches and broken files are refused naming the file.
 */
class PemReaderTest {
  @TempDir Path dir;

  /** Generates key + self-signed cert with openssl in the named form. */
  private TlsMaterial loadForm(String keyType, String form) throws Exception {
    String genAlg;
    switch (keyType) {
      case "rsa2048":
        Openssl.ok(
            dir,
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "k.pem");
        break;
      case "rsa4096":
        Openssl.ok(
            dir,
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:4096",
            "-out",
            "k.pem");
        break;
      case "p256":
        Openssl.ok(
            dir,
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "k.pem");
        break;
      case "p384":
        Openssl.ok(
            dir,
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-out",
            "k.pem");
        break;
      case "ed25519":
        Openssl.ok(dir, "genpkey", "-algorithm", "ED25519", "-out", "k.pem");
        break;
      default:
        throw new IllegalArgumentException(keyType);
    }
    Openssl.ok(
        dir,
        "req",
        "-new",
        "-x509",
        "-key",
        "k.pem",
        "-subj",
        "/CN=form-test",
        "-days",
        "2",
        "-out",
        "c.pem");
    boolean rsa = keyType.startsWith("rsa");
    char[] pw = null;
    switch (form) {
      case "pkcs8":
        Files.copy(dir.resolve("k.pem"), dir.resolve("key"));
        break;
      case "traditional": // PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY"
        if (rsa) {
          Openssl.ok(dir, "rsa", "-in", "k.pem", "-traditional", "-out", "key");
        } else {
          Openssl.ok(dir, "ec", "-in", "k.pem", "-out", "key");
        }
        assertThat(Files.readString(dir.resolve("key")))
            .contains(rsa ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");
        break;
      case "sec1-with-params":
        Openssl.ok(
            dir,
            "ecparam",
            "-name",
            keyType.equals("p256") ? "prime256v1" : "secp384r1",
            "-out",
            "params.pem");
        Openssl.ok(dir, "ec", "-in", "k.pem", "-out", "sec1.pem");
        Files.writeString(
            dir.resolve("key"),
            Files.readString(dir.resolve("params.pem"))
                + Files.readString(dir.resolve("sec1.pem")));
        assertThat(Files.readString(dir.resolve("key"))).contains("BEGIN EC PARAMETERS");
        break;
      case "pkcs8-encrypted":
        Openssl.ok(
            dir,
            "pkcs8",
            "-topk8",
            "-in",
            "k.pem",
            "-v2",
            "aes-256-cbc",
            "-passout",
            "pass:s3cret",
            "-out",
            "key");
        assertThat(Files.readString(dir.resolve("key"))).contains("BEGIN ENCRYPTED PRIVATE KEY");
        pw = "s3cret".toCharArray();
        break;
      case "legacy-encrypted":
        Openssl.ok(
            dir,
            rsa ? "rsa" : "ec",
            "-in",
            "k.pem",
            "-traditional",
            "-aes256",
            "-passout",
            "pass:s3cret",
            "-out",
            "key");
        assertThat(Files.readString(dir.resolve("key"))).contains("Proc-Type: 4,ENCRYPTED");
        pw = "s3cret".toCharArray();
        break;
      case "pkcs12":
        Openssl.ok(
            dir,
            "pkcs12",
            "-export",
            "-inkey",
            "k.pem",
            "-in",
            "c.pem",
            "-passout",
            "pass:s3cret",
            "-out",
            "store.p12");
        return TlsMaterial.loadKeyStore(dir.resolve("store.p12"), "s3cret".toCharArray());
      default:
        throw new IllegalArgumentException(form);
    }
    return TlsMaterial.load(dir.resolve("c.pem"), dir.resolve("key"), pw);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "rsa2048, pkcs8",
    "rsa2048, traditional",
    "rsa2048, pkcs8-encrypted",
    "rsa2048, legacy-encrypted",
    "rsa2048, pkcs12",
    "rsa4096, pkcs8",
    "p256, pkcs8",
    "p256, traditional",
    "p256, sec1-with-params",
    "p256, pkcs8-encrypted",
    "p256, legacy-encrypted",
    "p256, pkcs12",
    "p384, traditional",
    "p384, sec1-with-params",
    "ed25519, pkcs8",
  })
  void keyForm_loadsAndMatchesCertificate(String keyType, String form) throws Exception {
    TlsMaterial m = loadForm(keyType, form);
    assertThat(m.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=form-test");
    assertThat(m.privateKey().getAlgorithm())
        .isIn(
            keyType.startsWith("rsa")
                ? List.of("RSA")
                : keyType.startsWith("p") ? List.of("EC") : List.of("Ed25519", "EdDSA"));
  }

  @Test
  void jksKeyStore_loads() throws Exception {
    loadForm("p256", "pkcs12");
    Path jks = dir.resolve("store.jks");
    java.security.KeyStore p12 = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve("store.p12"))) {
      p12.load(in, "s3cret".toCharArray());
    }
    java.security.KeyStore ks = java.security.KeyStore.getInstance("JKS");
    ks.load(null, null);
    String alias = p12.aliases().nextElement();
    ks.setKeyEntry(
        alias,
        p12.getKey(alias, "s3cret".toCharArray()),
        "s3cret".toCharArray(),
        p12.getCertificateChain(alias));
    try (var out = Files.newOutputStream(jks)) {
      ks.store(out, "s3cret".toCharArray());
    }
    assertThat(
            TlsMaterial.loadKeyStore(jks, "s3cret".toCharArray())
                .leaf()
                .getSubjectX500Principal()
                .getName())
        .isEqualTo("CN=form-test");
  }

  @Test
  void encryptedKey_withoutPassword_namesFileAndDirective() throws Exception {
    loadForm("p256", "pkcs8-encrypted");
    assertThatThrownBy(() -> TlsMaterial.load(dir.resolve("c.pem"), dir.resolve("key"), null))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining(dir.resolve("key").toString())
        .hasMessageContaining("keyfile_password");
  }

  @Test
  void encryptedKey_wrongPassword_refused() throws Exception {
    loadForm("rsa2048", "legacy-encrypted");
    assertThatThrownBy(
            () -> TlsMaterial.load(dir.resolve("c.pem"), dir.resolve("key"), "nope".toCharArray()))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("wrong keyfile_password");
  }

  @Test
  void keyCertMismatch_refusedNamingBothFiles() {
    TestPki.Issued ca = TestPki.ca("CA");
    TestPki.Issued a = TestPki.server(ca, "a");
    TestPki.Issued b = TestPki.server(ca, "b");
    Path cert = TestPki.write(dir.resolve("a.crt"), TestPki.pem(a.cert()));
    Path key = TestPki.write(dir.resolve("b.key"), TestPki.pkcs8(b.keys().getPrivate()));
    assertThatThrownBy(() -> TlsMaterial.load(cert, key, null))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("b.key: private key does not match the certificate in")
        .hasMessageContaining("a.crt");
  }

  @Test
  void serverOpen_keyCertMismatch_stopsStartNamingFiles() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued other = TestPki.server(f.ca, "other");
    TestPki.write(f.keyFile, TestPki.pkcs8(other.keys().getPrivate()));
    assertThatThrownBy(() -> ServerTls.open(f.settings().build(), "8883"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("server.key: private key does not match the certificate in")
        .hasMessageContaining("server.crt");
  }

  @Test
  void serverOpen_expiredCertificate_refusedNamingFile() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    Instant end = Instant.now().minus(Duration.ofDays(1));
    TestPki.Issued old =
        TestPki.issue(
            "localhost",
            TestPki.keys("P-256"),
            f.ca,
            false,
            List.of("localhost"),
            end.minus(Duration.ofDays(9)),
            end);
    TestPki.writePair(dir, "server", old);
    assertThatThrownBy(() -> ServerTls.open(f.settings().build(), "8883"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("server.crt: certificate CN=localhost expired");
  }

  @Test
  void chainInWrongOrder_refused() {
    TestPki.Issued root = TestPki.ca("Root");
    TestPki.Issued inter =
        TestPki.issue(
            "Inter",
            TestPki.keys("P-256"),
            root,
            true,
            List.of(),
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(9)));
    TestPki.Issued leaf = TestPki.server(inter, "leaf");
    Path cert = TestPki.write(dir.resolve("chain.crt"), TestPki.pem(leaf.cert(), root.cert()));
    Path key = TestPki.write(dir.resolve("leaf.key"), TestPki.pkcs8(leaf.keys().getPrivate()));
    assertThatThrownBy(() -> TlsMaterial.load(cert, key, null))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("chain.crt: chain does not build");
    Path good =
        TestPki.write(dir.resolve("good.crt"), TestPki.pem(leaf.cert(), inter.cert(), root.cert()));
    try {
      TlsMaterial m = TlsMaterial.load(good, key, null);
      assertThat(m.chain()).hasSize(3);
      assertThat(m.chainWithoutRoot()).hasSize(2);
    } catch (TlsMaterialException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void missingFile_named() {
    assertThatThrownBy(() -> PemReader.readCertificates(dir.resolve("nope.crt")))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessage(dir.resolve("nope.crt") + ": no such file");
  }

  @Test
  void notACertificate_named() {
    Path junk = TestPki.write(dir.resolve("junk.crt"), "hello\n");
    assertThatThrownBy(() -> PemReader.readCertificates(junk))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("junk.crt");
  }
}
