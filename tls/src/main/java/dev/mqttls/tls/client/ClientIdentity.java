package dev.mqttls.tls.client;

import dev.mqttls.tls.TlsMaterial;
import dev.mqttls.tls.TlsMaterialException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the certificate and key a client presents, from PEM files (every form {@link
 * dev.mqttls.tls.PemReader} reads) or a PKCS#12 file, with errors a user of a command line tool can
 * act on: the file, what is wrong in words, and what to do. No message names a broker directive or
 * a Java class.
 */
public final class ClientIdentity {
  private ClientIdentity() {}

  /**
   * The chain in {@code certFile} with the key in {@code keyFile}.
   *
   * @param password the key's password, or {@code null} when it is not encrypted
   * @throws TlsMaterialException naming the file at fault
   */
  public static TlsMaterial load(Path certFile, Path keyFile, char[] password)
      throws TlsMaterialException {
    FileProblems.checkReadable("client certificate file", certFile);
    FileProblems.checkReadable("private key file", keyFile);
    boolean encrypted = isEncryptedPem(keyFile);
    if (encrypted && password == null) {
      throw new TlsMaterialException(
          keyFile, "the private key is encrypted: give the password it was encrypted with");
    }
    try {
      return TlsMaterial.load(certFile, keyFile, password);
    } catch (TlsMaterialException e) {
      if (encrypted && keyFile.equals(e.file().orElse(null)) && e.getCause() != null) {
        throw new TlsMaterialException(
            keyFile,
            "the private key cannot be decrypted with the password given: check the password",
            e);
      }
      throw e;
    }
  }

  /**
   * The first key entry of the PKCS#12 (or JKS) file {@code keyStore}.
   *
   * @throws TlsMaterialException naming the file, in words
   */
  public static TlsMaterial loadPkcs12(Path keyStore, char[] password) throws TlsMaterialException {
    FileProblems.checkReadable("PKCS#12 file", keyStore);
    return TlsMaterial.loadKeyStore(keyStore, password);
  }

  /** Whether a PEM key file holds an encrypted key (PKCS#8 or OpenSSL's legacy form). */
  private static boolean isEncryptedPem(Path keyFile) throws TlsMaterialException {
    try {
      String text = new String(Files.readAllBytes(keyFile), StandardCharsets.ISO_8859_1);
      return text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
          || text.contains("Proc-Type: 4,ENCRYPTED");
    } catch (IOException e) {
      throw new TlsMaterialException(
          keyFile, "the private key file " + FileProblems.cause(e) + ": check the path", e);
    }
  }
}
