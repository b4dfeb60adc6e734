package dev.mqttls.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What provisioning or renewal over MQTT gave a device: its certificate chain (leaf first) and the
 * private key it made for itself, both PEM. The key never left this process. {@link #toString()}
 * shows neither.
 */
public final class DeviceCredentials {
  private final String deviceId;
  private final String certificateChainPem;
  private final String privateKeyPem;
  private final X509Certificate certificate;

  /**
   * Credentials of {@code deviceId}.
   *
   * @throws IllegalArgumentException if the chain holds no certificate
   */
  public DeviceCredentials(String deviceId, String certificateChainPem, String privateKeyPem) {
    this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
    this.certificateChainPem = Objects.requireNonNull(certificateChainPem, "certificateChainPem");
    this.privateKeyPem = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    try {
      this.certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(
                          certificateChainPem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the certificate chain holds no readable certificate", e);
    }
  }

  /** The device id (the certificate's CN). */
  public String deviceId() {
    return deviceId;
  }

  /** The certificate chain, leaf first, PEM. */
  public String certificateChainPem() {
    return certificateChainPem;
  }

  /** The private key, PKCS#8 PEM: a secret. */
  public String privateKeyPem() {
    return privateKeyPem;
  }

  /** The device's certificate (the leaf). */
  public X509Certificate certificate() {
    return certificate;
  }

  /** When the certificate expires: renew before. */
  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  /**
   * Stores the chain and the key under {@code tag} in {@code store} (each written only when it
   * differs, atomically; the key readable by its owner only).
   */
  public Map<CredentialType, ProvisionResult> store(CredentialStore store, int tag) {
    Map<CredentialType, ProvisionResult> out = new EnumMap<>(CredentialType.class);
    // The key first: a certificate without its key would make the tag unusable after a crash.
    out.put(
        CredentialType.CLIENT_KEY, store.provision(tag, CredentialType.CLIENT_KEY, privateKeyPem));
    out.put(
        CredentialType.CLIENT_CERTIFICATE,
        store.provision(tag, CredentialType.CLIENT_CERTIFICATE, certificateChainPem));
    return out;
  }

  /**
   * Writes the chain to {@code certFile} and the key to {@code keyFile} (mode 0600 where the file
   * system has POSIX permissions), each through a temporary file renamed into place.
   *
   * @throws UncheckedIOException if writing fails
   */
  public void writeFiles(Path certFile, Path keyFile) {
    write(keyFile, privateKeyPem, true);
    write(certFile, certificateChainPem, false);
  }

  private static void write(Path file, String text, boolean secret) {
    Path abs = file.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
    try {
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      Files.deleteIfExists(tmp);
      Files.createFile(tmp);
      if (secret) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the directory's protection is all there is
        }
      }
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public String toString() {
    return "DeviceCredentials[" + deviceId + ", until " + notAfter() + "]";
  }
}
