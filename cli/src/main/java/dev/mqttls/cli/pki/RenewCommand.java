package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.RenewOptions;
import dev.mqttls.pki.Renewal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqttls pki renew ID}: a successor certificate for the same identity. */
@Command(
    name = "renew",
    mixinStandardHelpOptions = true,
    description = {
      "Renew a server or device certificate: same CN (and SANs), new serial, same key unless",
      "--rekey; issued by the active CA (after 'pki ca rollover': the new one). The old",
      "certificate is kept in certs/history/ and stays valid until it expires, or --revoke-old.",
      "certs/ID.crt and private/ID.key are replaced in place, so a broker watching them reloads."
    })
final class RenewCommand extends PkiSubcommand {
  @Parameters(paramLabel = "ID", description = "The server name or device id to renew.")
  String id;

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "Validity in days (default: the same lifetime as the old certificate).")
  Integer days;

  @Option(names = "--rekey", description = "Make a new key (the old one goes to private/history/).")
  boolean rekey;

  @Option(
      names = "--csr",
      paramLabel = "FILE",
      description = "Certify the key of this CSR made on the device (PEM, DER, nRF91 %%KEYGEN).")
  Path csr;

  @Option(
      names = "--revoke-old",
      description = "Revoke the old certificate (reason superseded) and rewrite crl.pem.")
  boolean revokeOld;

  @Mixin KeyTypeOptions keyType;

  @Override
  int execute() throws Exception {
    if (csr != null && (rekey || keyType.rsaBits != null || keyType.ec)) {
      throw new UsageException("--csr brings the device's own new key: drop --rekey/--rsa/--ec");
    }
    var type = keyType.keyType();
    if (type.isPresent() && !rekey) {
      throw new UsageException("--rsa/--ec choose the type of a new key: add --rekey");
    }
    RenewOptions options =
        new RenewOptions(
            days == null ? OptionalInt.empty() : OptionalInt.of(days), rekey, type, revokeOld);
    CertificateAuthority ca = pki.open();
    Renewal r;
    if (csr != null) {
      if (!Files.isRegularFile(csr)) {
        throw new NoSuchFileException(csr.toString());
      }
      r = ca.renewCsr(id, Files.readAllBytes(csr), options);
    } else {
      r = ca.renew(id, options);
    }
    print(out(), ca, r);
    return 0;
  }

  static void print(java.io.PrintWriter out, CertificateAuthority ca, Renewal r) {
    out.printf(
        Locale.ROOT,
        "Renewed %s %s: serial %s -> %s, valid until %s (%s)%n",
        r.issued().kind().label(),
        r.issued().id(),
        r.previous().serialHex(),
        r.issued().serialHex(),
        r.issued().notAfter(),
        r.issued().keyFile().isEmpty() ? "key on the device" : r.newKey() ? "new key" : "same key");
    out.printf(
        Locale.ROOT,
        "  old certificate %s: %s%n",
        r.previous().certificateFile(),
        r.previous().revoked()
            ? "revoked (superseded), listed in " + ca.crlFile()
            : "still valid until " + r.previous().notAfter());
    out.printf(Locale.ROOT, "  cert %s%n", r.issued().certificateFile());
    r.issued().keyFile().ifPresent(k -> out.printf(Locale.ROOT, "  key  %s%n", k));
    out.flush();
  }
}
