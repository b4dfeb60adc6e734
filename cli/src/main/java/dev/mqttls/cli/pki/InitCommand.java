package dev.mqttls.cli.pki;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.KeyType;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mqttls pki init}: creates a CA. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create a CA in --dir; refuses to overwrite an existing one.",
      "ECDSA P-256 by default; ca.key mode 0600."
    })
final class InitCommand extends PkiSubcommand {
  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "CA common name (default: ${DEFAULT-VALUE}).")
  String name = CaOptions.DEFAULT_NAME;

  @Option(
      names = "--rsa",
      paramLabel = "BITS",
      description = "RSA CA key of 2048, 3072 or 4096 bits instead of ECDSA P-256.")
  Integer rsaBits;

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "CA validity in days (default: ${DEFAULT-VALUE}).")
  int days = CaOptions.DEFAULT_DAYS;

  @Option(
      names = "--intermediate",
      description =
          "Create a root (ca.crt/ca.key; the key may then be kept offline) and an issuing intermediate CA.")
  boolean intermediate;

  @Override
  int execute() throws Exception {
    CaOptions options =
        new CaOptions(
            name, rsaBits == null ? KeyType.EC_P256 : KeyType.rsa(rsaBits), days, intermediate);
    CertificateAuthority ca = CertificateAuthority.init(pki.dir, options, pki.caPassword());
    var out = out();
    out.printf(
        Locale.ROOT,
        "Created CA \"%s\" (%s, valid until %s) in %s%n",
        ca.certificate().getSubjectX500Principal().getName(),
        options.keyType().display(),
        ca.certificate().getNotAfter().toInstant(),
        pki.dir);
    out.printf(
        Locale.ROOT, "  %s  trust this on brokers (cafile) and devices%n", ca.certificateFile());
    if (intermediate) {
      out.printf(
          Locale.ROOT,
          "  %s  issues certificates; %s may now be moved offline%n",
          pki.dir.resolve("intermediate.crt"),
          pki.dir.resolve("ca.key"));
    }
    out.printf(Locale.ROOT, "Next: mqttls pki server NAME   and   mqttls pki device ID%n");
    out.flush();
    return 0;
  }
}
