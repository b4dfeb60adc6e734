package dev.mqttls.doctor.internal;

import dev.mqttls.conf.Catalogue;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.Directive;
import dev.mqttls.conf.DirectiveSpec;
import dev.mqttls.conf.DirectiveSpec.Support;
import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.doctor.Report;
import dev.mqttls.doctor.Status;
import dev.mqttls.doctor.internal.MosquittoConf.Listener;
import dev.mqttls.tls.ServerTlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a mosquitto.conf-syntax file as the mqttls broker reads it (through {@code conf}): every
 * directive must be one the broker accepts, with a value it accepts; then each listener's TLS setup
 * is checked.
 */
public final class ConfigLinter {
  private static final int SOON_DAYS = 30;

  private final Path conf;
  private final String brokerUserGiven;
  private final Instant now;
  private final List<Finding> findings = new ArrayList<>();
  private String brokerUser;

  /** A linter for one file. */
  public ConfigLinter(Path conf, String brokerUser, Instant now) {
    this.conf = conf;
    this.brokerUserGiven = brokerUser;
    this.now = now;
  }

  /** Runs every check. */
  public Report lint() {
    MosquittoConf parsed;
    try {
      parsed = MosquittoConf.read(conf);
    } catch (ConfException e) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_UNREADABLE,
              e.getMessage() + ".",
              "Give the path of the broker's configuration file."));
      return new Report(conf.toString(), findings);
    }
    for (ConfException e : parsed.unreadableIncludes) {
      findings.add(
          Finding.warn(
              FindingCode.CONFIG_NOT_FOLLOWED,
              e.getMessage() + "; the files there are not checked.",
              "Make the directory readable, or lint each included file: mqttls doctor --config FILE."));
    }
    checkDirectives(parsed.all);
    Map<String, Directive> global = parsed.global;
    List<Listener> listeners = parsed.listeners;
    brokerUser =
        brokerUserGiven != null
            ? brokerUserGiven
            : global.containsKey("user") ? global.get("user").value() : null;
    if (brokerUser == null
        && "root".equals(System.getProperty("user.name"))
        && UnixAccess.userExists("mosquitto")) {
      // The mqttls broker runs as the user who starts it; Mosquitto started as root would drop to
      // "mosquitto", which is worth checking only when that is the broker meant.
      findings.add(
          Finding.info(
              FindingCode.CONFIG_CHECKED_AS_USER,
              "Files were checked as readable by root, the user running this, as the mqttls"
                  + " broker started by root reads them. Mosquitto started as root runs as"
                  + " mosquitto instead: add --broker-user mosquitto to check for it."));
    }
    for (String f : List.of("password_file", "acl_file")) {
      Directive d = global.get(f);
      if (d != null) {
        checkFile(d);
      }
    }
    for (Listener l : listeners) {
      lintListener(l);
    }
    return new Report(conf.toString(), findings);
  }

  /**
   * Each directive as the broker takes it: known to the catalogue, supported, and with a value the
   * broker accepts (the catalogue's value form; a TLS directive through the TLS settings, as the
   * broker does). Messages name the place and the directive, never the value (it may be a
   * password).
   */
  private void checkDirectives(List<Directive> all) {
    for (Directive d : all) {
      java.util.Optional<DirectiveSpec> spec = Catalogue.lookup(d.name());
      if (spec.isEmpty()) {
        findings.add(
            Finding.fail(
                FindingCode.CONFIG_DIRECTIVE_UNKNOWN,
                d.where() + ": unknown directive; the mqttls broker refuses to start with it.",
                "Check the spelling against mosquitto.conf(5), or remove the line."));
        continue;
      }
      DirectiveSpec s = spec.get();
      if (s.support() == Support.NOT_YET) {
        findings.add(
            Finding.fail(
                FindingCode.CONFIG_DIRECTIVE_UNSUPPORTED,
                d.where()
                    + ": not yet supported; the mqttls broker refuses to start with it"
                    + " (mosquitto: "
                    + s.meaning()
                    + ")",
                "Remove the line, or run this file with Mosquitto."));
        continue;
      }
      try {
        s.check(d);
        if (ServerTlsSettings.isTlsDirective(d.name())) {
          ServerTlsSettings.builder(null).directive(d);
        }
      } catch (ConfException e) {
        findings.add(
            Finding.fail(
                FindingCode.CONFIG_DIRECTIVE_INVALID,
                e.getMessage() + "; the mqttls broker refuses to start with it.",
                "Fix the value ("
                    + (s.mosquitto() ? "mosquitto.conf(5)" : "tls/README.md")
                    + ": "
                    + s.meaning()
                    + ")"));
      }
    }
  }

  private void lintListener(Listener l) {
    Directive certD = l.get("certfile");
    Directive keyD = l.get("keyfile");
    if (!l.hasSettings()) {
      return;
    }
    String where = l.where();
    String refusal = brokerRefusal(l);
    if (certD == null || keyD == null) {
      String missing =
          certD == null && keyD == null
              ? "neither certfile nor keyfile"
              : certD == null ? "no certfile" : "no keyfile";
      findings.add(
          refusal != null
              ? Finding.fail(
                  FindingCode.CONFIG_TLS_INCOMPLETE,
                  where
                      + ": has TLS settings but "
                      + missing
                      + "; the mqttls broker refuses to start: "
                      + refusal
                      + ".",
                  "Give both certfile and keyfile, or remove the TLS settings from this listener.")
              : Finding.warn(
                  FindingCode.CONFIG_TLS_INCOMPLETE,
                  where + ": has TLS settings but " + missing + ", so it is not a TLS listener.",
                  "Give both certfile and keyfile, or remove the TLS settings from this listener."));
      refusal = null; // reported
    }
    long before = failuresAndWarnings();
    // Contradictory client-certificate settings.
    if (l.isTrue("require_certificate") && l.get("cafile") == null && l.get("capath") == null) {
      Directive d = l.get("require_certificate");
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_REQUIRE_CERT_WITHOUT_CA,
              MosquittoConf.at(d)
                  + ": clients must present a certificate, but there is no cafile or capath to verify it with; every client is refused.",
              "Add cafile pointing at the CA that issues device certificates."));
    }
    for (String n : List.of("use_identity_as_username", "use_subject_as_username")) {
      if (l.isTrue(n) && !l.isTrue("require_certificate")) {
        Directive d = l.get(n);
        findings.add(
            Finding.fail(
                FindingCode.CONFIG_IDENTITY_WITHOUT_REQUIRE_CERT,
                MosquittoConf.at(d)
                    + ": takes the user name from the client certificate, but require_certificate is not true, so there is no certificate to take it from.",
                "Add require_certificate true to this listener."));
      }
    }
    if (refusal != null && failuresAndWarnings() == before) {
      // A combination the broker refuses that no check above explains.
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_DIRECTIVE_INVALID,
              where + ": " + refusal + "; the mqttls broker refuses to start with this listener.",
              "Change the listener's TLS settings so that they fit together."));
    }
    Directive tv = l.get("tls_version");
    if (tv != null) {
      String v = tv.value().toLowerCase(Locale.ROOT);
      if (v.equals("tlsv1") || v.equals("tlsv1.0") || v.equals("tlsv1.1")) {
        findings.add(
            Finding.warn(
                FindingCode.CONFIG_TLS_VERSION_OLD,
                MosquittoConf.at(tv)
                    + ": allows TLS versions below 1.2, deprecated since 2021 (RFC 8996).",
                "Use tls_version tlsv1.2 (every maintained device stack speaks it)."));
      }
    }
    // The files themselves.
    List<X509Certificate> chain = List.of();
    PrivateKey key = null;
    List<X509Certificate> cas = List.of();
    if (certD != null && checkFile(certD)) {
      chain = readCerts(certD);
    }
    if (keyD != null && checkFile(keyD)) {
      key = readKey(keyD);
    }
    Directive caD = l.get("cafile");
    if (caD != null && checkFile(caD)) {
      cas = readCerts(caD);
    }
    Directive capath = l.get("capath");
    if (capath != null && !Files.isDirectory(path(capath))) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_FILE_MISSING,
              MosquittoConf.at(capath) + ": is not a directory.",
              "Point capath at a directory of hashed CA certificates (openssl rehash)."));
    }
    if (!chain.isEmpty() && key != null && !Certs.keyMatches(key, chain.get(0))) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_KEY_MISMATCH,
              MosquittoConf.at(keyD)
                  + ": this key does not belong to the certificate "
                  + Certs.subject(chain.get(0))
                  + " in "
                  + Path.of(certD.value()).getFileName()
                  + "; the broker will not start this listener.",
              "Pair certfile with the key it was issued for (compare: openssl x509 -noout -pubkey -in CERT and openssl pkey -pubout -in KEY)."));
    }
    if (!chain.isEmpty() && !cas.isEmpty()) {
      checkChain(certD, caD, chain, cas);
    }
    if (!chain.isEmpty()) {
      checkServerCertificate(certD, chain);
    }
    if (keyD != null && key != null) {
      checkKeyPermissions(keyD);
    }
    for (X509Certificate c : chain) {
      checkDates(certD, c);
    }
    for (X509Certificate c : cas) {
      checkDates(caD, c);
    }
    Directive crlD = l.get("crlfile");
    List<X509CRL> crls = crlD != null && checkFile(crlD) ? checkCrl(crlD, cas) : List.of();
    if (!chain.isEmpty()) {
      Directive ciphers = l.get("ciphers");
      if (ciphers != null) {
        CipherListCheck.check(MosquittoConf.at(ciphers), ciphers.value(), chain.get(0), findings);
      }
    }
    List<String> dates = new ArrayList<>();
    for (X509Certificate c : chain) {
      dates.add("certfile: " + Certs.subject(c) + ": " + daysText(c));
    }
    for (X509Certificate c : cas) {
      dates.add("cafile:   " + Certs.subject(c) + ": " + daysText(c));
    }
    for (X509CRL crl : crls) {
      if (crl.getNextUpdate() != null) {
        long days = Duration.between(now, crl.getNextUpdate().toInstant()).toDays();
        dates.add(
            "crlfile:  next update "
                + crl.getNextUpdate().toInstant()
                + " ("
                + (days < 0 ? (-days) + " days overdue" : "in " + days + " days")
                + ")");
      }
    }
    if (!dates.isEmpty()) {
      findings.add(
          Finding.info(FindingCode.CONFIG_EXPIRY, where + ": validity of its certificates and CRL.")
              .withDetails(dates));
    }
    if (failuresAndWarnings() == before && !chain.isEmpty() && key != null) {
      X509Certificate leaf = chain.get(0);
      findings.add(
          Finding.pass(
              FindingCode.CONFIG_LISTENER_OK,
              where
                  + ": certificate "
                  + Certs.subject(leaf)
                  + " ("
                  + Certs.keyDescription(leaf.getPublicKey())
                  + ", "
                  + Certs.daysLeft(leaf, now)
                  + " days left), key matches"
                  + (cas.isEmpty() ? "" : ", chain builds to cafile")
                  + "."));
    }
  }

  /**
   * Why the broker refuses the listener's TLS settings as a whole (the same check the broker runs
   * at start-up), or null when it takes them or a value alone is wrong (reported per directive).
   */
  private static String brokerRefusal(Listener l) {
    ServerTlsSettings.Builder b = ServerTlsSettings.builder(null);
    try {
      for (Directive d : l.directives()) {
        b.directive(d);
      }
      b.build();
      return null;
    } catch (ConfException e) {
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private void checkServerCertificate(Directive certD, List<X509Certificate> chain) {
    for (int i = 0; i + 1 < chain.size(); i++) {
      if (!Certs.issued(chain.get(i + 1), chain.get(i))) {
        findings.add(
            Finding.warn(
                FindingCode.CONFIG_CHAIN_ORDER,
                MosquittoConf.at(certD)
                    + ": certificate "
                    + (i + 2)
                    + " ("
                    + Certs.subject(chain.get(i + 1))
                    + ") did not issue certificate "
                    + (i + 1)
                    + " ("
                    + Certs.subject(chain.get(i))
                    + "); strict clients such as mbedTLS refuse a chain out of order.",
                "Put the server certificate first, then its issuer, then that one's issuer."));
        break;
      }
    }
    X509Certificate leaf = chain.get(0);
    if (Certs.ekuLacks(leaf, Certs.EKU_SERVER_AUTH)) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_CERT_UNSUITABLE,
              MosquittoConf.at(certD)
                  + ": "
                  + Certs.subject(leaf)
                  + " has an extended key usage without serverAuth; clients refuse it (\"unsupported certificate purpose\").",
              "Issue the broker a server certificate: mqttls pki server NAME --dns ... --ip ..."));
    }
    if (Certs.dnsNames(leaf).isEmpty() && Certs.ipAddresses(leaf).isEmpty()) {
      findings.add(
          Finding.warn(
              FindingCode.CONFIG_CERT_UNSUITABLE,
              MosquittoConf.at(certD)
                  + ": "
                  + Certs.subject(leaf)
                  + " has no subject alternative names; clients that verify the host name (all current ones) will not match it.",
              "Re-issue it with the broker's names: mqttls pki server NAME --dns ... --ip ..."));
    }
  }

  private void checkKeyPermissions(Directive keyD) {
    try {
      java.util.Set<java.nio.file.attribute.PosixFilePermission> p =
          Files.getPosixFilePermissions(path(keyD).toRealPath());
      if (p.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
        findings.add(
            Finding.warn(
                FindingCode.CONFIG_KEY_EXPOSED,
                MosquittoConf.at(keyD)
                    + ": the private key is readable by every user of this machine (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(p)
                    + ").",
                "chmod 600 the key and chown it to the broker's user (or chmod 640 with the broker's group)."));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system, or already reported as unreadable.
    }
  }

  private String daysText(X509Certificate c) {
    if (now.isBefore(c.getNotBefore().toInstant())) {
      return "not valid until " + c.getNotBefore().toInstant();
    }
    long days = Certs.daysLeft(c, now);
    return days < 0
        ? "expired " + (-days) + " days ago"
        : days + " days left (" + c.getNotAfter().toInstant() + ")";
  }

  private long failuresAndWarnings() {
    return findings.stream()
        .filter(f -> f.status() == Status.FAIL || f.status() == Status.WARN)
        .count();
  }

  /** Existence and readability by the broker's user; true when the file can be read. */
  private boolean checkFile(Directive d) {
    Path p = path(d);
    if (!Files.exists(p)) {
      String link = "";
      if (Files.isSymbolicLink(p)) {
        try {
          link = " (a symbolic link to " + Files.readSymbolicLink(p) + ", which does not exist)";
        } catch (IOException e) {
          link = " (a dangling symbolic link)";
        }
      }
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_FILE_MISSING,
              MosquittoConf.at(d) + ": the file does not exist" + link + ".",
              "Fix the path; a relative path is taken from the directory of the file that names it."));
      return false;
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_FILE_NOT_READABLE,
              MosquittoConf.at(d) + ": cannot resolve the path: " + ProbeRunner.describe(e) + ".",
              "Check the directories' permissions."));
      return false;
    }
    String via = real.equals(p.toAbsolutePath().normalize()) ? "" : " (resolves to " + real + ")";
    if (!Files.isReadable(real)) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_FILE_NOT_READABLE,
              MosquittoConf.at(d) + ": not readable by this user" + via + ".",
              "Make it readable by the broker's user (chmod/chown), keeping keys private to that user."));
      return false;
    }
    if (brokerUser != null && !brokerUser.equals("root")) {
      UnixAccess.Denied problem = UnixAccess.whyUnreadable(real, brokerUser);
      if (problem != null) {
        String fix =
            problem.directory()
                ? "Let "
                    + brokerUser
                    + " through "
                    + problem.at()
                    + " (chgrp "
                    + brokerUser
                    + " DIR && chmod g+x DIR, or chmod o+x DIR), or run the broker as a user that can read the files (user root in the file, for tests)."
                : "chown "
                    + brokerUser
                    + " "
                    + real
                    + " (and chmod 600 for keys), or run the broker as a user that can read it.";
        findings.add(
            Finding.fail(
                FindingCode.CONFIG_FILE_NOT_READABLE,
                MosquittoConf.at(d)
                    + ": the broker's user "
                    + brokerUser
                    + " cannot read it"
                    + via
                    + ": "
                    + problem.why()
                    + ".",
                fix));
        return false;
      }
    }
    return true;
  }

  /** The directive's path, as the broker resolves it. */
  private static Path path(Directive d) {
    try {
      return d.path(null);
    } catch (ConfException e) {
      // An empty value: reported by checkDirectives; here it names no file.
      return Path.of(d.value());
    }
  }

  private List<X509Certificate> readCerts(Directive d) {
    try {
      List<X509Certificate> c = Pem.certificates(path(d));
      if (c.isEmpty()) {
        findings.add(
            Finding.fail(
                FindingCode.CONFIG_FILE_INVALID,
                MosquittoConf.at(d) + ": holds no PEM certificate.",
                "Give a PEM file starting with -----BEGIN CERTIFICATE-----."));
      }
      return c;
    } catch (IOException e) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_FILE_INVALID,
              MosquittoConf.at(d) + ": cannot be parsed: " + ProbeRunner.describe(e) + ".",
              "Give a PEM certificate file."));
      return List.of();
    }
  }

  private PrivateKey readKey(Directive d) {
    try {
      PrivateKey k = Pem.privateKey(path(d));
      if (k == null) {
        boolean enc = Pem.hasEncryptedKey(path(d));
        findings.add(
            Finding.fail(
                FindingCode.CONFIG_FILE_INVALID,
                MosquittoConf.at(d)
                    + (enc
                        ? ": holds an encrypted key; the broker would stop at start-up to ask for its passphrase."
                        : ": holds no PEM private key."),
                enc
                    ? "Store the key unencrypted with restrictive permissions (openssl pkey -in KEY -out KEY.plain)."
                    : "Give the PEM private key of the certificate."));
      }
      return k;
    } catch (IOException e) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_FILE_INVALID,
              MosquittoConf.at(d) + ": cannot be parsed: " + ProbeRunner.describe(e) + ".",
              "Give a PEM private key file."));
      return null;
    }
  }

  private void checkChain(
      Directive certD, Directive caD, List<X509Certificate> chain, List<X509Certificate> cas) {
    X509Certificate cur = chain.get(0);
    List<X509Certificate> used = new ArrayList<>();
    for (int depth = 0; depth < 16; depth++) {
      used.add(cur);
      for (X509Certificate a : cas) {
        if (Certs.issued(a, cur) || (a.equals(cur) && Certs.selfSigned(cur))) {
          return;
        }
      }
      X509Certificate next = null;
      for (X509Certificate c : chain) {
        if (!used.contains(c) && Certs.issued(c, cur)) {
          next = c;
        }
      }
      if (next == null) {
        break;
      }
      cur = next;
    }
    String holds = String.join("; ", cas.stream().map(Certs::subject).toList());
    findings.add(
        Finding.fail(
            FindingCode.CONFIG_CHAIN_BROKEN,
            MosquittoConf.at(certD)
                + ": the certificate chain ends at "
                + Certs.subject(cur)
                + ", issued by "
                + Certs.issuer(cur)
                + ", which is not in "
                + Path.of(caD.value()).getFileName()
                + " (it holds "
                + holds
                + ").",
            "If "
                + Certs.issuer(cur)
                + " is an intermediate, append it to certfile; otherwise issue the server certificate from the CA in cafile, or point cafile at its CA."));
  }

  private void checkDates(Directive d, X509Certificate c) {
    Instant to = c.getNotAfter().toInstant();
    Instant from = c.getNotBefore().toInstant();
    if (now.isAfter(to)) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_CERT_EXPIRED,
              MosquittoConf.at(d)
                  + ": "
                  + Certs.subject(c)
                  + " expired on "
                  + to
                  + " ("
                  + Duration.between(to, now).toDays()
                  + " days ago).",
              "Renew it: " + Certs.renewCommand(c) + " (when mqttls pki issued it)."));
    } else if (now.isBefore(from)) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_CERT_EXPIRED,
              MosquittoConf.at(d) + ": " + Certs.subject(c) + " is not valid until " + from + ".",
              "Check this machine's clock, or re-issue it with a notBefore in the past."));
    } else if (Certs.daysLeft(c, now) < SOON_DAYS) {
      findings.add(
          Finding.warn(
              FindingCode.CONFIG_CERT_EXPIRES_SOON,
              MosquittoConf.at(d)
                  + ": "
                  + Certs.subject(c)
                  + " expires in "
                  + Certs.daysLeft(c, now)
                  + " days ("
                  + to
                  + ").",
              "Renew it before it expires: "
                  + Certs.renewCommand(c)
                  + " (for a server certificate, or mqttls pki server NAME --renew-before 30d from a timer)."));
    }
  }

  /** Checks the CRLs in the file and returns them (none when it cannot be parsed). */
  private List<X509CRL> checkCrl(Directive d, List<X509Certificate> cas) {
    List<X509CRL> crls;
    try {
      crls = Pem.crls(path(d));
    } catch (IOException e) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_FILE_INVALID,
              MosquittoConf.at(d) + ": cannot be parsed: " + ProbeRunner.describe(e) + ".",
              "Give a PEM CRL (-----BEGIN X509 CRL-----)."));
      return List.of();
    }
    if (crls.isEmpty()) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_FILE_INVALID,
              MosquittoConf.at(d) + ": holds no PEM CRL.",
              "Give a PEM CRL (-----BEGIN X509 CRL-----); mqttls pki crl writes one."));
      return crls;
    }
    for (X509CRL crl : crls) {
      if (crl.getNextUpdate() == null) {
        continue;
      }
      Instant next = crl.getNextUpdate().toInstant();
      if (now.isAfter(next)) {
        findings.add(
            Finding.fail(
                FindingCode.CONFIG_CRL_STALE,
                MosquittoConf.at(d)
                    + ": the CRL of "
                    + crl.getIssuerX500Principal().getName()
                    + " was due for renewal on "
                    + next
                    + " ("
                    + Duration.between(next, now).toDays()
                    + " days ago); OpenSSL then refuses every client certificate of that CA (\"CRL has expired\").",
                "Publish a fresh CRL (mqttls pki crl) and reload the broker; renew it before nextUpdate, e.g. daily from cron."));
      } else if (Duration.between(now, next).toDays() < 7) {
        findings.add(
            Finding.warn(
                FindingCode.CONFIG_CRL_STALE,
                MosquittoConf.at(d)
                    + ": the CRL's nextUpdate is "
                    + next
                    + ", in "
                    + Duration.between(now, next).toDays()
                    + " days.",
                "Publish a fresh CRL before then."));
      }
      boolean issuerKnown =
          cas.isEmpty()
              || cas.stream()
                  .anyMatch(c -> c.getSubjectX500Principal().equals(crl.getIssuerX500Principal()));
      if (!issuerKnown) {
        findings.add(
            Finding.warn(
                FindingCode.CONFIG_FILE_INVALID,
                MosquittoConf.at(d)
                    + ": the CRL is issued by "
                    + crl.getIssuerX500Principal().getName()
                    + ", which is not in cafile.",
                "Use the CRL of the CA that issues the device certificates."));
      }
    }
    return crls;
  }
}
