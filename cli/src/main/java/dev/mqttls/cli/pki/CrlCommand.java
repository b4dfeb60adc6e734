package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.CrlStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mqttls pki crl}: make sure crl.pem is current (idempotent). */
@Command(
    name = "crl",
    mixinStandardHelpOptions = true,
    description = {
      "Publish crl.pem (idempotent) and say when its nextUpdate falls.",
      "Rewrites it only when it misses a revocation or has less than half of --days left (or with",
      "--force). Once nextUpdate passes, OpenSSL-based brokers refuse every client."
    })
final class CrlCommand extends PkiSubcommand {
  @Option(
      names = "--days",
      paramLabel = "N",
      description = "Validity of a new CRL in days (default: ${DEFAULT-VALUE}).")
  int days = CertificateAuthority.DEFAULT_CRL_DAYS;

  @Option(names = "--force", description = "Write a new CRL even when the current one is fine.")
  boolean force;

  @Override
  int execute() throws Exception {
    CrlStatus s = pki.open().writeCrl(days, force);
    long daysLeft = Duration.between(Instant.now(), s.nextUpdate()).toDays();
    out()
        .printf(
            Locale.ROOT,
            "%s %s: CRL number %s, %d revoked, next update %s (in %d days)%n",
            s.rewritten() ? "Wrote" : "Current, unchanged:",
            s.file(),
            s.number(),
            s.revokedCount(),
            s.nextUpdate(),
            daysLeft);
    out().flush();
    return 0;
  }
}
