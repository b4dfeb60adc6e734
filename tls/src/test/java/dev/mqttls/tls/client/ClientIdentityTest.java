package dev.mqttls.tls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.pki.HeldCertificate;
import dev.mqttls.tls.TlsMaterialException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client material errors are one sentence with the path, the cause in words and what to do: no Java
 * class names, no broker directives.
 */
class ClientIdentityTest {
  @TempDir Path dir;

  @Test
  void missingCaFile_saysItDoesNotExist() {
    Path nope = dir.resolve("nope.crt");
    TlsMaterialException e =
        catchThrowableOfType(TlsMaterialException.class, () -> TrustAnchors.load(nope, null));
    assertThat(e)
        .hasMessage(nope + ": the CA file does not exist: check the path")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void caDirectoryGivenAsFile_andMissingCaDirectory_areNamed() throws Exception {
    assertThat(catchThrowableOfType(TlsMaterialException.class, () -> TrustAnchors.load(dir, null)))
        .hasMessageContaining("the CA file is a directory, not a file");
    Path missing = dir.resolve("cas");
    assertThat(
            catchThrowableOfType(
                TlsMaterialException.class, () -> TrustAnchors.load(null, missing)))
        .hasMessage(missing + ": the CA directory does not exist: check the path");
  }

  @Test
  void missingKeyFile_isNamed() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    Path key = dir.resolve("k.pem");
    assertThat(
            catchThrowableOfType(
                TlsMaterialException.class, () -> ClientIdentity.load(cert, key, null)))
        .hasMessage(key + ": the private key file does not exist: check the path");
  }

  @Test
  void encryptedKey_withoutPassword_andWithTheWrongOne_areNamedWithoutADirective()
      throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("EC").generateKeyPair();
    Path cert = Files.writeString(dir.resolve("c.pem"), pem(selfSigned(keys)));
    JcaPKCS8Generator gen =
        new JcaPKCS8Generator(
            keys.getPrivate(),
            new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .setPassword("right".toCharArray())
                .build());
    Path key = Files.writeString(dir.resolve("k.pem"), pem(gen.generate()));

    assertThat(
            catchThrowableOfType(
                TlsMaterialException.class, () -> ClientIdentity.load(cert, key, null)))
        .hasMessage(
            key + ": the private key is encrypted: give the password it was encrypted with");
    TlsMaterialException wrong =
        catchThrowableOfType(
            TlsMaterialException.class,
            () -> ClientIdentity.load(cert, key, "wrong".toCharArray()));
    assertThat(wrong)
        .hasMessage(
            key
                + ": the private key cannot be decrypted with the password given: check the"
                + " password")
        .hasMessageNotContaining("keyfile_password");
    assertThat(ClientIdentity.load(cert, key, "right".toCharArray()).leaf().getPublicKey())
        .isEqualTo(keys.getPublic());
  }

  private static X509Certificate selfSigned(KeyPair keys) {
    return HeldCertificate.newBuilder().commonName("device-1").keyPair(keys).build().certificate();
  }

  private static String pem(Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    }
    return new String(w.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
