package dev.mqttls.testing.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made per test class with the {@code openssl} command, so that the key files are
 * exactly what users bring (a PKI made by our own code would only prove we read what we write). A
 * CA, a broker certificate naming localhost and 127.0.0.1, one naming only other.example, and a
 * client certificate with its key in every common form.
 */
public final class OpenSslPki {
  public static final String KEY_PASSWORD = "key-pass-123";

  public final Path dir;
  public final Path caCert;
  public final Path serverCert;
  public final Path serverKey;
  public final Path wrongHostCert;
  public final Path wrongHostKey;
  public final Path clientCert;

  /** PKCS#8 {@code PRIVATE KEY} (EC P-256). */
  public final Path clientKeyPkcs8;

  /** SEC1 {@code EC PRIVATE KEY}. */
  public final Path clientKeySec1;

  /** PKCS#8 encrypted with {@link #KEY_PASSWORD}. */
  public final Path clientKeyEncrypted;

  /** PKCS#12 with certificate and key, password {@link #KEY_PASSWORD}. */
  public final Path clientP12;

  public final Path rsaClientCert;

  /** PKCS#1 {@code RSA PRIVATE KEY}. */
  public final Path rsaClientKeyPkcs1;

  /** A CA that signed nothing the broker presents. */
  public final Path otherCaCert;

  public OpenSslPki(Path dir) {
    this.dir = dir;
    caCert = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca.key");
    run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", caKey);
    run(
        "req",
        "-x509",
        "-new",
        "-key",
        caKey,
        "-subj",
        "/CN=mqttls test CA",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        caCert);
    Path otherKey = dir.resolve("other-ca.key");
    otherCaCert = dir.resolve("other-ca.pem");
    run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey);
    run(
        "req",
        "-x509",
        "-new",
        "-key",
        otherKey,
        "-subj",
        "/CN=other CA",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-out",
        otherCaCert);

    serverKey = dir.resolve("server.key");
    serverCert = dir.resolve("server.pem");
    ecKey(serverKey);
    sign(
        serverKey,
        "/CN=localhost",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth",
        serverCert,
        caCert,
        caKey);

    wrongHostKey = dir.resolve("wrong-host.key");
    wrongHostCert = dir.resolve("wrong-host.pem");
    ecKey(wrongHostKey);
    sign(
        wrongHostKey,
        "/CN=other.example",
        "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth",
        wrongHostCert,
        caCert,
        caKey);

    clientKeyPkcs8 = dir.resolve("client-pkcs8.key");
    clientCert = dir.resolve("client.pem");
    ecKey(clientKeyPkcs8);
    sign(clientKeyPkcs8, "/CN=device-1", "extendedKeyUsage=clientAuth", clientCert, caCert, caKey);
    clientKeySec1 = dir.resolve("client-sec1.key");
    run("ec", "-in", clientKeyPkcs8, "-out", clientKeySec1);
    clientKeyEncrypted = dir.resolve("client-enc.key");
    run(
        "pkcs8",
        "-topk8",
        "-in",
        clientKeyPkcs8,
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:" + KEY_PASSWORD,
        "-out",
        clientKeyEncrypted);
    clientP12 = dir.resolve("client.p12");
    run(
        "pkcs12",
        "-export",
        "-in",
        clientCert,
        "-inkey",
        clientKeyPkcs8,
        "-passout",
        "pass:" + KEY_PASSWORD,
        "-out",
        clientP12);

    rsaClientKeyPkcs1 = dir.resolve("client-rsa.key");
    rsaClientCert = dir.resolve("client-rsa.pem");
    run("genrsa", "-traditional", "-out", rsaClientKeyPkcs1, "2048");
    sign(
        rsaClientKeyPkcs1,
        "/CN=device-rsa",
        "extendedKeyUsage=clientAuth",
        rsaClientCert,
        caCert,
        caKey);

    check(clientKeyPkcs8, "BEGIN PRIVATE KEY");
    check(clientKeySec1, "BEGIN EC PRIVATE KEY");
    check(clientKeyEncrypted, "BEGIN ENCRYPTED PRIVATE KEY");
    check(rsaClientKeyPkcs1, "BEGIN RSA PRIVATE KEY");
  }

  public String pem(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void ecKey(Path out) {
    run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", out);
  }

  private void sign(Path key, String subject, String ext, Path out, Path ca, Path caKey) {
    Path csr = dir.resolve(out.getFileName() + ".csr");
    Path extFile = dir.resolve(out.getFileName() + ".ext");
    try {
      Files.writeString(extFile, ext + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run("req", "-new", "-key", key, "-subj", subject, "-out", csr);
    run(
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        extFile,
        "-out",
        out);
  }

  private static void check(Path file, String marker) {
    try {
      if (!Files.readString(file).contains(marker)) {
        throw new IllegalStateException(file + " does not hold " + marker);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void run(Object... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    for (Object a : args) {
      cmd.add(a.toString());
    }
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("openssl did not finish: " + cmd);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "openssl failed: " + cmd + "\n" + new String(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "OpenSslPki" + Arrays.asList(dir);
  }
}
