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

  @Option(
      names = "--all",
      description = "Also the certificates that renewal or re-issue superseded (the history).")
  boolean history;

  @Option(
      names = "--expiring",
      paramLabel = "PERIOD",
      description =
          "Only current, unrevoked certificates that end within PERIOD (30d, 12h, 2w) or have"
              + " ended: what to renew.")
  String expiring;

  @Override
  int execute() throws Exception {
    var ca = pki.open();
    List<IssuedCertificate> all = history ? ca.history() : ca.list();
    Instant now = Instant.now();
    if (expiring != null) {
      Instant limit = now.plus(Periods.parse("--expiring", expiring));
      List<IssuedCertificate> due = new ArrayList<>();
      for (IssuedCertificate c : ca.list()) {
        if (!c.revoked() && c.notAfter().isBefore(limit)) {
          due.add(c);
        }
      }
      all = due;
    }
    java.util.Set<String> superseded = new java.util.HashSet<>();
    if (history) {
      var current = new java.util.HashSet<java.math.BigInteger>();
      ca.list().forEach(c -> current.add(c.serial()));
      all.forEach(
          c -> {
            if (!current.contains(c.serial())) {
              superseded.add(c.serialHex());
            }
          });
    }
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
    } else if (all.isEmpty() && expiring != null) {
      out.println("No certificate ends within " + expiring + ".");
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
                : (c.daysLeft(now) < 0 || !c.notAfter().isAfter(now) ? "expired" : "valid");
        if (superseded.contains(c.serialHex())) {
          status += " (superseded)";
        }
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
