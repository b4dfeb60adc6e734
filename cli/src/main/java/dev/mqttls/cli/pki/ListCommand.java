package dev.mqttls.cli.pki;

import dev.mqttls.pki.IssuedCertificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mqttls pki list}: issued certificates. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "List issued certificates: id, kind, serial, not-after (days left), revoked or not.")
final class ListCommand extends PkiSubcommand {
  @Option(names = "--json", description = "One JSON array, for machines.")
  boolean json;

  @Override
  int execute() throws Exception {
    List<IssuedCertificate> all = pki.open().list();
    Instant now = Instant.now();
    var out = out();
    if (json) {
      List<Object> rows = new ArrayList<>();
      for (IssuedCertificate c : all) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("kind", c.kind().label());
        m.put("serial", c.serialHex());
        m.put("notBefore", c.notBefore().toString());
        m.put("notAfter", c.notAfter().toString());
        m.put("daysLeft", c.daysLeft(now));
        m.put("revoked", c.revoked());
        m.put("revokedAt", c.revokedAt().map(Instant::toString).orElse(null));
        m.put("reason", c.revocationReason().map(r -> r.label()).orElse(null));
        m.put("certificate", c.certificateFile().toString());
        m.put("key", c.keyFile().map(Object::toString).orElse(null));
        rows.add(m);
      }
      out.println(Json.write(rows));
    } else if (all.isEmpty()) {
      out.println("No certificates issued yet (mqttls pki server NAME, mqttls pki device ID).");
    } else {
      int w = Math.max(2, all.stream().mapToInt(c -> c.id().length()).max().orElse(2));
      out.printf(
          Locale.ROOT,
          "%-" + w + "s  %-6s  %-32s  %-20s  %9s  %s%n",
          "ID",
          "KIND",
          "SERIAL",
          "NOT AFTER",
          "DAYS LEFT",
          "STATUS");
      for (IssuedCertificate c : all) {
        String status =
            c.revoked()
                ? "revoked " + c.revokedAt().get() + " (" + c.revocationReason().get().label() + ")"
                : (c.daysLeft(now) < 0 ? "expired" : "valid");
        out.printf(
            Locale.ROOT,
            "%-" + w + "s  %-6s  %-32s  %-20s  %9d  %s%n",
            c.id(),
            c.kind().label(),
            c.serialHex(),
            c.notAfter(),
            c.daysLeft(now),
            status);
      }
    }
    out.flush();
    return 0;
  }
}
