package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.ExportFormat;
import dev.mqttls.pki.ExportOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqttls pki export ID|ca --format ...}: certificates for Java, C firmware and modems. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export the CA or a certificate for Java, C firmware or an nRF91 modem.",
      "  pem       certificate chain (--with-key: and the key)",
      "  der       the certificate, binary (needs -o)",
      "  p12, jks  key store with key, chain and the CA (needs -o and a password)",
      "  c-header  mbedTLS arrays: const char NAME[] and NAME_len = sizeof(NAME), counting the NUL",
      "  zephyr    #define CA_CERTIFICATE \"<exact PEM>\" for modem_key_mgmt_write / tls_credential_add",
      "  nrf-at    AT%%CMNG=0,<sec_tag>,<type>,\"<pem>\" lines for an nRF91 modem (needs --sec-tag)",
      "For an id, c-header/zephyr/nrf-at hold the CA and the device certificate; --with-key adds the key."
    })
final class ExportCommand extends PkiSubcommand {
  static final String PASSWORD_ENV = "MQTTLS_EXPORT_PASSWORD";

  @Parameters(paramLabel = "ID|ca", description = "An issued id, or 'ca' for the CA certificate.")
  String target;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      description = "pem, der, p12, jks, c-header, zephyr or nrf-at.")
  String format;

  @Option(
      names = "--name",
      paramLabel = "SYMBOL",
      description = "C symbol / macro name of the CA certificate.")
  String symbol;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write to FILE (atomically; 0600 when it holds a key) instead of stdout.")
  Path output;

  @Option(names = "--with-key", description = "Include the device's private key.")
  boolean withKey;

  @Option(names = "--sec-tag", paramLabel = "N", description = "nRF91 security tag (nrf-at).")
  Integer secTag;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "p12/jks password: first line of FILE (or set MQTTLS_EXPORT_PASSWORD).")
  Path passwordFile;

  @Override
  int execute() throws Exception {
    ExportFormat f = ExportFormat.parse(format);
    ExportOptions options =
        new ExportOptions(
            f,
            Optional.ofNullable(symbol),
            withKey,
            secTag == null ? OptionalInt.empty() : OptionalInt.of(secTag));
    boolean binary = f == ExportFormat.DER || f == ExportFormat.P12 || f == ExportFormat.JKS;
    if (binary && output == null) {
      throw new UsageException(f.label() + " is binary: give -o FILE");
    }
    char[] password = null;
    if (f == ExportFormat.P12 || f == ExportFormat.JKS) {
      if (passwordFile != null) {
        password = PkiCommand.readPasswordFile(passwordFile);
      } else if (System.getenv(PASSWORD_ENV) != null && !System.getenv(PASSWORD_ENV).isEmpty()) {
        password = System.getenv(PASSWORD_ENV).toCharArray();
      }
    }
    CertificateAuthority ca = pki.open();
    if (output != null) {
      ca.export(target, options, password, output);
      err().printf(Locale.ROOT, "Wrote %s (%s of %s)%n", output, f.label(), target);
      err().flush();
    } else {
      out().print(new String(ca.export(target, options, password), StandardCharsets.US_ASCII));
      out().flush();
    }
    return 0;
  }
}
