package dev.mqttls.tls.client;

import dev.mqttls.tls.PemReader;
import dev.mqttls.tls.TlsMaterialException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CAs a client trusts: a PEM file, a directory of PEM files (as {@code mosquitto_pub --capath}
 * reads: {@code *.pem}, {@code *.crt} and OpenSSL hash links), or else the system's trust store.
 * The result is the JDK's PKIX trust manager over those anchors; the caller adds host name rules.
 */
public final class TrustAnchors {
  private TrustAnchors() {}

  /**
   * The PKIX trust manager for the CAs in {@code caFile} and {@code caDir}, or the system's when
   * both are null.
   *
   * @throws TlsMaterialException naming the file or directory at fault, in words
   */
  public static X509TrustManager load(Path caFile, Path caDir) throws TlsMaterialException {
    List<X509Certificate> cas = new ArrayList<>();
    if (caFile != null) {
      FileProblems.checkReadable("CA file", caFile);
      cas.addAll(PemReader.readCertificates(caFile));
    }
    if (caDir != null) {
      cas.addAll(readDirectory(caDir));
    }
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (cas.isEmpty()) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : cas) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
        tmf.init(ks);
      }
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the platform offers no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsMaterialException(
          caFile != null ? caFile : caDir,
          "cannot build a trust store from these CA certificates (" + e.getMessage() + ")",
          e);
    }
  }

  private static List<X509Certificate> readDirectory(Path dir) throws TlsMaterialException {
    if (!Files.isDirectory(dir)) {
      throw new TlsMaterialException(
          dir,
          Files.exists(dir)
              ? "the CA directory is a file, not a directory: give a directory of PEM files"
              : "the CA directory does not exist: check the path");
    }
    List<X509Certificate> cas = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String n = f.getFileName().toString();
        if (Files.isRegularFile(f)
            && (n.endsWith(".pem") || n.endsWith(".crt") || n.matches("[0-9a-f]{8}\\.[0-9]+"))) {
          cas.addAll(PemReader.readCertificates(f));
        }
      }
    } catch (IOException e) {
      throw new TlsMaterialException(
          dir, "the CA directory " + FileProblems.cause(e) + ": check its permissions", e);
    }
    if (cas.isEmpty()) {
      throw new TlsMaterialException(
          dir, "the CA directory holds no CA certificate (*.pem, *.crt): add the CA's PEM file");
    }
    return cas;
  }
}
