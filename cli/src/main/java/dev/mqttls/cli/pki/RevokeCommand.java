package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.CrlStatus;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.RevocationReason;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqttls pki revoke ID|SERIAL}: revoke and publish the CRL at once. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = "Revoke a certificate by id or serial (hex) and rewrite crl.pem.")
final class RevokeCommand extends PkiSubcommand {
  @Parameters(
      paramLabel = "ID|SERIAL",
      description = "Id, or serial number in hex (colons allowed).")
  String target;

  @Option(
      names = "--reason",
      paramLabel = "REASON",
      description =
          "unspecified (default), key-compromise, affiliation-changed, superseded,"
              + " cessation-of-operation, certificate-hold.")
  String reason = "unspecified";

  @Override
  int execute() throws Exception {
    RevocationReason why = RevocationReason.parse(reason);
    CertificateAuthority ca = pki.open();
    IssuedCertificate revoked = ca.revoke(target, why);
    CrlStatus crl = ca.crlStatus().orElseThrow();
    out()
        .printf(
            Locale.ROOT,
            "Revoked %s (serial %s, reason %s)%n",
            revoked.id(),
            revoked.serialHex(),
            why.label());
    out()
        .printf(
            Locale.ROOT,
            "  %s now lists %d revoked; a broker using it as crlfile refuses %s once it re-reads it%n",
            crl.file(),
            crl.revokedCount(),
            revoked.id());
    out().flush();
    return 0;
  }
}
