package dev.mqttls.pki.internal;

import dev.mqttls.pki.ExportFormat;
import dev.mqttls.pki.ExportOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import dev.mqttls.pki.internal.FirmwareText.Item;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the CA certificate or an issued certificate (and key) in the forms other programs read:
 * PEM, DER, PKCS#12, JKS, and source text for firmware (mbedTLS arrays, Zephyr macros, nRF91 AT
 * commands).
 */
public final class Exporter {
  private Exporter() {}

  /** The CA certificate ({@code root}) in the requested form; the CA key is never exported. */
  public static byte[] exportCa(X509Certificate root, ExportOptions options, char[] password) {
    checkCommon(options, password);
    ExportFormat format = options.format();
    String caPem = Certificates.toPem(root);
    if (options.withKey()) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT,
          "the CA key is never exported; --with-key applies to an issued id");
    }
    String sym =
        options
            .symbol()
            .orElse(format == ExportFormat.ZEPHYR ? "CA_CERTIFICATE" : "mqttls_ca_cert");
    return switch (format) {
      case PEM -> ascii(caPem);
      case DER -> encoded(root);
      case P12 -> KeyStores.build("PKCS12", "ca", null, List.of(), root, password);
      case JKS -> KeyStores.build("JKS", "ca", null, List.of(), root, password);
      case C_HEADER ->
          ascii(
              FirmwareText.cHeader(
                  sym,
                  "CA " + subject(root),
                  new Item(sym, caPem, "CA certificate: " + subject(root))));
      case ZEPHYR ->
          ascii(
              FirmwareText.zephyr(
                  sym,
                  "CA " + subject(root),
                  new Item(sym, caPem, "CA certificate: " + subject(root))));
      case NRF_AT -> ascii(FirmwareText.nrfAt(options.secTag().getAsInt(), caPem, null, null));
    };
  }

  /** An issued certificate (with the CA, and its key when asked or when the format needs it). */
  public static byte[] exportIssued(
      X509Certificate root, IssuedCertificate entry, ExportOptions options, char[] password) {
    checkCommon(options, password);
    ExportFormat format = options.format();
    String caPem = Certificates.toPem(root);
    String target = entry.id();
    String chainPem = readText(entry.certificateFile());
    List<X509Certificate> chain =
        Certificates.readAll(ascii(chainPem), entry.certificateFile().toString());
    boolean needsKey =
        options.withKey() || format == ExportFormat.P12 || format == ExportFormat.JKS;
    String keyPem = null;
    if (needsKey) {
      if (entry.keyFile().isEmpty() || !Files.exists(entry.keyFile().get())) {
        throw new PkiException(
            Reason.KEY_NOT_AVAILABLE,
            format.label()
                + (options.withKey() ? " --with-key" : "")
                + " needs the private key of "
                + target
                + ", which this CA does not hold (it was signed from a CSR; the key stays on the device)");
      }
      keyPem = readText(entry.keyFile().get());
    }
    switch (format) {
      case PEM:
        return ascii(chainPem + (keyPem == null ? "" : keyPem));
      case DER:
        if (options.withKey()) {
          throw new PkiException(
              Reason.INVALID_ARGUMENT,
              "der holds the certificate only; export the key with --format pem --with-key");
        }
        return encoded(chain.get(0));
      case P12:
      case JKS:
        {
          PrivateKey key = Keys.readPrivateKey(keyPem, entry.keyFile().get().toString(), null);
          List<X509Certificate> full = new ArrayList<>(chain);
          if (!full.get(full.size() - 1).equals(root)) {
            full.add(root);
          }
          return KeyStores.build(
              format == ExportFormat.P12 ? "PKCS12" : "JKS", target, key, full, root, password);
        }
      case C_HEADER:
        {
          String sym = options.symbol().orElse("mqttls_ca_cert");
          List<Item> items = new ArrayList<>();
          items.add(new Item(sym, caPem, "CA certificate: " + subject(root)));
          items.add(new Item("mqttls_device_cert", chainPem, "certificate of " + target));
          if (keyPem != null) {
            items.add(
                new Item(
                    "mqttls_device_key", keyPem, "private key of " + target + ": keep it secret"));
          }
          return ascii(
              FirmwareText.cHeader(
                  "mqttls_" + target, "CA and " + target, items.toArray(new Item[0])));
        }
      case ZEPHYR:
        {
          String sym = options.symbol().orElse("CA_CERTIFICATE");
          List<Item> items = new ArrayList<>();
          items.add(new Item(sym, caPem, "CA certificate: " + subject(root)));
          items.add(new Item("CLIENT_CERTIFICATE", chainPem, "certificate of " + target));
          if (keyPem != null) {
            items.add(
                new Item("PRIVATE_KEY", keyPem, "private key of " + target + ": keep it secret"));
          }
          return ascii(
              FirmwareText.zephyr(
                  "mqttls_" + target, "CA and " + target, items.toArray(new Item[0])));
        }
      case NRF_AT:
        return ascii(FirmwareText.nrfAt(options.secTag().getAsInt(), caPem, chainPem, keyPem));
      default:
        throw new IllegalStateException("unhandled format " + format);
    }
  }

  private static void checkCommon(ExportOptions options, char[] password) {
    ExportFormat format = options.format();
    if (format == ExportFormat.NRF_AT && options.secTag().isEmpty()) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT, "nrf-at needs --sec-tag N (the modem's security tag)");
    }
    if ((format == ExportFormat.P12 || format == ExportFormat.JKS)
        && (password == null || password.length == 0)) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT,
          format.label() + " needs a password: --password-file FILE or MQTTLS_EXPORT_PASSWORD");
    }
  }

  private static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName();
  }

  private static byte[] encoded(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new PkiException(Reason.IO, "cannot encode certificate", e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static String readText(java.nio.file.Path file) {
    try {
      return Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new PkiException(Reason.CORRUPT_FILE, file + " is missing");
    } catch (java.io.IOException e) {
      throw new PkiException(Reason.IO, "cannot read " + file + ": " + Keys.oneLine(e), e);
    }
  }
}
