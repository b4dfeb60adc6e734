package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.RenewOptions;
import dev.mqttls.pki.Renewal;
import dev.mqttls.pki.ServerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqttls pki server NAME}: a TLS server certificate. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Issue a server certificate (serverAuth) with DNS and IP SANs.",
      "Without --dns/--ip the SANs are NAME, the host name, localhost, 127.0.0.1, ::1 and this",
      "machine's addresses. There is always a DNS SAN: mbedTLS 2.x never matches IP SANs."
    })
final class ServerCommand extends PkiSubcommand {
  @Parameters(
      paramLabel = "NAME",
      description = "Server name: the CN, a DNS SAN and the file name.")
  String name;

  @Mixin SanOptions names;

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "Validity in days (default: ${DEFAULT-VALUE}).")
  int days = ServerOptions.DEFAULT_DAYS;

  @Option(
      names = "--renew-before",
      paramLabel = "PERIOD",
      description = {
        "For a timer: issue when NAME has no valid certificate, renew it (same key and names;",
        "the old lifetime unless --days) when it ends within PERIOD (30d, 12h, 2w), else do",
        "nothing; one line either way, exit 0."
      })
  String renewBefore;

  @Mixin KeyTypeOptions keyType;

  @Override
  int execute() throws Exception {
    CertificateAuthority ca = pki.open();
    Optional<IssuedCertificate> existing = ca.find(name);
    if (renewBefore != null) {
      Duration window = Periods.parse("--renew-before", renewBefore);
      Instant now = Instant.now();
      if (existing.isPresent()
          && !existing.get().revoked()
          && existing.get().notAfter().isAfter(now)) {
        IssuedCertificate current = existing.get();
        if (current.notAfter().isAfter(now.plus(window))) {
          out()
              .printf(
                  Locale.ROOT,
                  "%s: valid until %s (%d days left), not within %s: nothing to do%n",
                  name,
                  current.notAfter(),
                  current.daysLeft(now),
                  renewBefore);
          out().flush();
          return 0;
        }
        RenewOptions options = RenewOptions.defaults();
        if (spec.commandLine().getParseResult().hasMatchedOption("--days")) {
          options = options.withDays(days);
        }
        Renewal r = ca.renew(name, options);
        out()
            .printf(
                Locale.ROOT,
                "%s: renewed, serial %s -> %s, valid until %s (the old one ends %s)%n",
                name,
                r.previous().serialHex(),
                r.issued().serialHex(),
                r.issued().notAfter(),
                current.notAfter());
        out().flush();
        return 0;
      }
    }
    IssuedCertificate issued =
        ca.issueServer(name, new ServerOptions(names.dns, names.ips, days, keyType.keyType()));
    existing.ifPresent(
        e ->
            out()
                .printf(
                    Locale.ROOT,
                    "Re-issued %s: its previous certificate (serial %s) was %s%n",
                    name,
                    e.serialHex(),
                    e.revoked() ? "revoked" : "expired"));
    var out = out();
    out.printf(
        Locale.ROOT,
        "Issued server certificate %s (serial %s, valid until %s)%n",
        name,
        issued.serialHex(),
        issued.notAfter());
    printNamesAndFiles(ca, issued, "");
    return 0;
  }
}
