package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.CertificateInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqttls pki show FILE|ID}: what a certificate says, and whether this CA vouches for it. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show a certificate and whether it verifies against this CA.",
      "FILE|ID is an issued id, 'ca', or any certificate file. Prints subject, issuer, serial,",
      "validity, SANs, EKUs, key, SHA-256 fingerprint and CA or not."
    })
final class ShowCommand extends PkiSubcommand {
  @Parameters(paramLabel = "FILE|ID", description = "Certificate file, issued id, or 'ca'.")
  String target;

  @Option(names = "--json", description = "One JSON object, for machines.")
  boolean json;

  @Override
  int execute() throws Exception {
    CertificateInfo info =
        CertificateAuthority.exists(pki.dir)
            ? pki.open().inspect(target)
            : CertificateAuthority.inspect(Path.of(target));
    var out = out();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("subject", info.subject());
      m.put("issuer", info.issuer());
      m.put("serial", info.serial().toString(16));
      m.put("notBefore", info.notBefore().toString());
      m.put("notAfter", info.notAfter().toString());
      m.put("dnsNames", info.dnsNames());
      m.put("ipAddresses", info.ipAddresses());
      m.put("extendedKeyUsages", info.extendedKeyUsages());
      m.put("keyAlgorithm", info.keyAlgorithm());
      m.put("keyBits", info.keyBits());
      m.put("sha256", info.sha256Fingerprint());
      m.put("ca", info.ca());
      m.put("verified", info.verification().map(v -> (Object) v.verified()).orElse(null));
      m.put("verification", info.verification().map(v -> (Object) v.detail()).orElse(null));
      m.put("revoked", info.revoked().orElse(null));
      out.println(Json.write(m));
    } else {
      out.printf(Locale.ROOT, "Subject:     %s%n", info.subject());
      out.printf(Locale.ROOT, "Issuer:      %s%n", info.issuer());
      out.printf(Locale.ROOT, "Serial:      %s%n", info.serial().toString(16));
      out.printf(Locale.ROOT, "Valid:       %s .. %s%n", info.notBefore(), info.notAfter());
      if (!info.dnsNames().isEmpty() || !info.ipAddresses().isEmpty()) {
        out.printf(Locale.ROOT, "SANs:        %s%n", sans(info));
      }
      if (!info.extendedKeyUsages().isEmpty()) {
        out.printf(Locale.ROOT, "EKU:         %s%n", String.join(", ", info.extendedKeyUsages()));
      }
      out.printf(
          Locale.ROOT,
          "Key:         %s %d%n",
          info.keyAlgorithm().equals("EC") ? "ECDSA" : info.keyAlgorithm(),
          info.keyBits());
      out.printf(Locale.ROOT, "SHA-256:     %s%n", info.sha256Fingerprint());
      out.printf(Locale.ROOT, "CA:          %s%n", info.ca() ? "yes" : "no");
      info.revoked().ifPresent(r -> out.printf(Locale.ROOT, "Revoked:     %s%n", r ? "YES" : "no"));
      out.printf(
          Locale.ROOT,
          "Verifies:    %s%n",
          info.verification()
              .map(v -> (v.verified() ? "yes, " : "NO: ") + v.detail())
              .orElse("(no CA in " + pki.dir + ")"));
    }
    out.flush();
    return 0;
  }

  private static String sans(CertificateInfo info) {
    StringBuilder sb = new StringBuilder();
    info.dnsNames().forEach(d -> sb.append(sb.length() == 0 ? "" : ", ").append("DNS:").append(d));
    info.ipAddresses()
        .forEach(i -> sb.append(sb.length() == 0 ? "" : ", ").append("IP:").append(i));
    return sb.toString();
  }
}
