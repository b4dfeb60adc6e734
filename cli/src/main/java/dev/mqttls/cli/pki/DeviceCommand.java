package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqttls pki device ID}: device (client) certificates, one, a fleet, or from a CSR. */
@Command(
    name = "device",
    mixinStandardHelpOptions = true,
    description = {
      "Issue device (client) certificates: CN=ID, clientAuth.",
      "One with a new key; --count N devices named PREFIX1..PREFIXN (numbering continues after",
      "earlier ones); or --csr FILE made on the device (its signature is checked; the key stays",
      "on the device)."
    })
final class DeviceCommand extends PkiSubcommand {
  @Parameters(
      arity = "0..1",
      paramLabel = "ID",
      description = "Device id: the CN and the file name.")
  String id;

  @Option(names = "--count", paramLabel = "N", description = "Mint N devices at once.")
  Integer count;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Id prefix with --count (default: ${DEFAULT-VALUE}).")
  String prefix = "dev-";

  @Option(
      names = "--csr",
      paramLabel = "FILE",
      description = "Sign this CSR (PEM, DER, or nRF91 %%KEYGEN output).")
  Path csr;

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "Validity in days (default: ${DEFAULT-VALUE}).")
  int days = DeviceOptions.DEFAULT_DAYS;

  @Mixin KeyTypeOptions keyType;

  @Override
  int execute() throws Exception {
    if ((id == null) == (count == null)) {
      throw new UsageException("give either an ID or --count N");
    }
    if (count != null && csr != null) {
      throw new UsageException("--csr signs one device: give an ID, not --count");
    }
    if (csr != null && (keyType.rsaBits != null || keyType.ec)) {
      throw new UsageException("--csr uses the device's own key: --rsa/--ec do not apply");
    }
    CertificateAuthority ca = pki.open();
    DeviceOptions options = new DeviceOptions(days, keyType.keyType());
    var out = out();
    if (count != null) {
      long start = System.nanoTime();
      List<IssuedCertificate> issued = ca.issueDevices(prefix, count, options);
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf(
          Locale.ROOT,
          "Issued %d device certificates %s .. %s in %.1f s%n",
          issued.size(),
          issued.get(0).id(),
          issued.get(issued.size() - 1).id(),
          seconds);
      out.printf(
          Locale.ROOT,
          "  certificates in %s, keys in %s%n",
          pki.dir.resolve("certs"),
          pki.dir.resolve("private"));
      out.flush();
      return 0;
    }
    java.util.Optional<IssuedCertificate> previous = ca.find(id);
    IssuedCertificate issued;
    if (csr != null) {
      if (!Files.isRegularFile(csr)) {
        throw new java.nio.file.NoSuchFileException(csr.toString());
      }
      issued = ca.signCsr(id, Files.readAllBytes(csr), options);
    } else {
      issued = ca.issueDevice(id, options);
    }
    if (previous.isPresent()) {
      out.printf(
          Locale.ROOT,
          "Re-issued %s: its previous certificate (serial %s) was %s; it stays in the index%n",
          id,
          previous.get().serialHex(),
          previous.get().revoked() ? "revoked" : "expired");
    }
    out.printf(
        Locale.ROOT,
        "Issued device certificate %s (serial %s, valid until %s)%n",
        id,
        issued.serialHex(),
        issued.notAfter());
    out.printf(Locale.ROOT, "  --cert %s%n", issued.certificateFile());
    if (issued.keyFile().isPresent()) {
      out.printf(Locale.ROOT, "  --key  %s%n", issued.keyFile().get());
    } else {
      out.printf(Locale.ROOT, "  (signed from a CSR: the private key stays on the device)%n");
    }
    out.printf(Locale.ROOT, "  --cafile %s%n", ca.certificateFile());
    out.flush();
    return 0;
  }
}
