package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.tls.verify.CertificateError;
import dev.mqttls.tls.verify.CertificateRejected;
import dev.mqttls.tls.verify.ChainVerifier;
import dev.mqttls.tls.verify.Purpose;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Verifies a server chain as sent against trusted CAs and a name, and says in words why it fails.
 * The verdict is the {@code tls} module's one {@link ChainVerifier}'s, the same the broker and the
 * client reach; its {@link CertificateError} becomes a finding code through {@link
 * FindingCode#ofServerCertificate} and is shown as the cause word in brackets. The explanation
 * around it comes from the certificates themselves (who issued whom, with which key, when), never
 * from exception messages.
 */
public final class ServerVerifier {

  /** The outcome: the findings, and whether a device would accept the server. */
  public record Outcome(List<Finding> findings, boolean trusted) {}

  private final List<X509Certificate> anchors;
  private final ChainVerifier chains;
  private final String anchorSource;
  private final Instant now;
  private final String clock;

  /**
   * @param anchors the trusted certificates
   * @param anchorSource how to name them in sentences, e.g. "your CA file ca.crt"
   * @param now the time to verify at
   */
  public ServerVerifier(
      List<X509Certificate> anchors, String anchorSource, Instant now, boolean clockGiven) {
    this.anchors = List.copyOf(anchors);
    this.chains = ChainVerifier.trusting(anchors);
    this.anchorSource = anchorSource;
    this.clock = clockGiven ? "the clock given" : "this machine's clock";
    this.now = now;
  }

  /** Verifies {@code chain} (leaf first, as sent) for a connection to {@code name}. */
  public Outcome verify(List<X509Certificate> chain, String name, String connectHost) {
    List<Finding> out = new ArrayList<>();
    if (chain.isEmpty()) {
      out.add(
          Finding.fail(
              FindingCode.SERVER_CHAIN_INVALID,
              "The server sent no certificate." + word(CertificateError.NO_CERTIFICATE),
              "Configure certfile and keyfile on the broker's TLS listener."));
      return new Outcome(out, false);
    }
    X509Certificate leaf = chain.get(0);
    CertificateRejected rejection = null;
    try {
      chains.verify(chain, Purpose.SERVER_AUTH, null, now);
    } catch (CertificateRejected r) {
      rejection = r;
    }
    boolean trustOk = checkTrust(chain, rejection, out);
    boolean timeOk = checkValidity(chain, out);
    boolean nameOk = checkName(leaf, name, connectHost, out);
    boolean usageOk = !Certs.ekuLacks(leaf, Certs.EKU_SERVER_AUTH);
    FindingCode wrongUsage =
        FindingCode.ofServerCertificate(CertificateError.WRONG_PURPOSE, false, false);
    if (!usageOk) {
      out.add(
          Finding.fail(
              wrongUsage,
              "The server's certificate "
                  + Certs.subject(leaf)
                  + " has an extended key usage without serverAuth; OpenSSL and mbedTLS clients"
                  + " refuse it (\"unsupported certificate purpose\")."
                  + word(CertificateError.WRONG_PURPOSE),
              "Re-issue the broker certificate with extendedKeyUsage serverAuth (mqttls pki"
                  + " server ... does this)."));
    } else if (rejection != null && rejection.error() == CertificateError.WRONG_PURPOSE) {
      usageOk = false;
      out.add(
          Finding.fail(
              wrongUsage,
              "The server's certificate " + rejection.getMessage() + "." + word(rejection.error()),
              "Re-issue the broker certificate with keyUsage digitalSignature (mqttls pki server"
                  + " ... does this)."));
    }
    return new Outcome(out, trustOk && timeOk && nameOk && usageOk);
  }

  /** The cause word shared with the broker's log and the client's exception. */
  static String word(CertificateError error) {
    return " [" + error + "]";
  }

  private boolean checkTrust(
      List<X509Certificate> chain, CertificateRejected rejection, List<Finding> out) {
    X509Certificate leaf = chain.get(0);
    String leafName = Certs.subject(leaf);
    if (containsExact(anchors, leaf) && !Certs.selfSigned(leaf)) {
      // The JDK accepts a pinned leaf; OpenSSL and mbedTLS devices need the issuing CA.
      out.add(
          Finding.fail(
              FindingCode.CAFILE_HOLDS_LEAF,
              anchorSource
                  + " holds the server's own certificate ("
                  + leafName
                  + "), not the CA that issued it ("
                  + Certs.issuer(leaf)
                  + "). Devices (OpenSSL, mbedTLS) need the issuing CA to verify the server.",
              "Put the CA certificate (issuer "
                  + Certs.issuer(leaf)
                  + ", e.g. ca.crt) in the CA file instead of the server certificate."));
      return false;
    }
    if (rejection == null || rejection.error() == CertificateError.WRONG_PURPOSE) {
      out.add(
          Finding.pass(
              FindingCode.SERVER_TRUSTED,
              containsExact(anchors, leaf)
                  ? "The server's self-signed certificate "
                      + leafName
                      + " is pinned in "
                      + anchorSource
                      + "."
                  : "The server's certificate chains to "
                      + Certs.issuer(topOf(chain))
                      + " in "
                      + anchorSource
                      + "."));
      return true;
    }
    CertificateError error = rejection.error();
    X509Certificate at = rejection.certificate().orElse(leaf);
    boolean sent = chain.contains(at);
    String cause = word(error);
    FindingCode code = FindingCode.ofServerCertificate(error, Certs.selfSigned(at), false);
    switch (error) {
      case EXPIRED:
      case NOT_YET_VALID:
        if (sent) {
          // Reported with dates by checkValidity; the issuer relation itself is right.
          out.add(
              Finding.pass(
                  FindingCode.SERVER_TRUSTED,
                  "The server's certificate was issued under a CA in " + anchorSource + "."));
          return true;
        }
        out.add(
            Finding.fail(
                code,
                "The trusted CA "
                    + Certs.subject(at)
                    + " in "
                    + anchorSource
                    + (error == CertificateError.EXPIRED
                        ? " expired on " + at.getNotAfter().toInstant()
                        : " is valid only from " + at.getNotBefore().toInstant())
                    + " ("
                    + clock
                    + " says "
                    + now
                    + "); OpenSSL and mbedTLS devices refuse every chain that ends at it."
                    + cause,
                "Replace the CA certificate in the CA file with a valid one, and re-issue the"
                    + " broker's certificate from it."));
        return false;
      case SELF_SIGNED:
        out.add(
            Finding.fail(
                code,
                "The server's certificate "
                    + leafName
                    + " is self-signed and not trusted by "
                    + anchorSource
                    + "."
                    + cause,
                "Issue the broker a certificate from a CA (mqttls pki server ...) and give devices"
                    + " that CA; or, for a test, trust this exact certificate with --cafile."));
        return false;
      case ISSUER_KEY_MISMATCH:
        out.add(
            Finding.fail(
                code,
                anchorSource
                    + " holds a CA named "
                    + Certs.issuer(at)
                    + ", but not the one that signed "
                    + Certs.subject(at)
                    + ": the keys differ (the CA was regenerated with the same name?)."
                    + cause,
                "Give devices the CA certificate that actually issued the broker's certificate, or"
                    + " re-issue the broker certificate from the CA the devices hold."));
        return false;
      case UNKNOWN_ISSUER:
        unknownIssuer(chain, at, code, out);
        return false;
      default:
        out.add(
            Finding.fail(
                code,
                "The chain does not validate at "
                    + Certs.subject(at)
                    + ": "
                    + rejection.getMessage()
                    + "."
                    + cause,
                "Re-issue the certificate with a CA certificate that has basicConstraints CA:true"
                    + " and keyCertSign, and a server certificate with serverAuth usage."));
        return false;
    }
  }

  private void unknownIssuer(
      List<X509Certificate> chain, X509Certificate cur, FindingCode code, List<Finding> out) {
    String anchorNames = anchorNames();
    String cause = word(CertificateError.UNKNOWN_ISSUER);
    if (Certs.selfSigned(cur)) {
      out.add(
          Finding.fail(
              code,
              "The server's chain ends at the root "
                  + Certs.subject(cur)
                  + ", which "
                  + anchorSource
                  + " does not hold"
                  + anchorNames
                  + "."
                  + cause,
              "Give devices the CA the broker's certificate comes from ("
                  + Certs.subject(cur)
                  + "), or re-issue the broker's certificate from the CA the devices trust."));
      return;
    }
    String missing = Certs.issuer(cur);
    out.add(
        Finding.fail(
            code,
            "The server sent "
                + chain.size()
                + (chain.size() == 1 ? " certificate" : " certificates")
                + ", and the issuer of "
                + Certs.subject(cur)
                + ", "
                + missing
                + ", is neither sent nor in "
                + anchorSource
                + anchorNames
                + "."
                + (Certs.caIssuersUrl(cur) == null
                    ? ""
                    : " The certificate says its issuer can be fetched from "
                        + Certs.caIssuersUrl(cur)
                        + ".")
                + cause,
            "If "
                + missing
                + " is an intermediate CA, the broker's certfile must hold it after the server"
                + " certificate (Let's Encrypt: use fullchain.pem, not cert.pem). If it is a root,"
                + " devices need it in their CA file."));
  }

  /** The last certificate sent that is not itself trusted. */
  private X509Certificate topOf(List<X509Certificate> chain) {
    X509Certificate top = chain.get(0);
    for (X509Certificate c : chain) {
      if (!containsExact(anchors, c)) {
        top = c;
      }
    }
    return top;
  }

  private boolean checkValidity(List<X509Certificate> chain, List<Finding> out) {
    boolean ok = true;
    for (X509Certificate c : chain) {
      Instant from = c.getNotBefore().toInstant();
      Instant to = c.getNotAfter().toInstant();
      boolean leaf = c == chain.get(0);
      String which =
          (leaf ? "The server's certificate " : "The chain certificate ") + Certs.subject(c);
      if (now.isAfter(to)) {
        ok = false;
        long days = Duration.between(to, now).toDays();
        out.add(
            Finding.fail(
                FindingCode.ofServerCertificate(CertificateError.EXPIRED, false, false),
                which
                    + " expired on "
                    + to
                    + " ("
                    + days
                    + " days ago; "
                    + clock
                    + " says "
                    + now
                    + ")."
                    + word(CertificateError.EXPIRED),
                leaf
                    ? "Renew it where it was issued: "
                        + Certs.renewCommand(c)
                        + " (a broker watching its certfile reloads it; mosquitto needs a"
                        + " restart)."
                    : "Replace the expired intermediate in the broker's certfile."));
      } else if (now.isBefore(from)) {
        ok = false;
        Duration d = Duration.between(now, from);
        String offset =
            d.toDays() > 0
                ? d.toDays() + " days"
                : d.toHours() > 0 ? d.toHours() + " hours" : d.toMinutes() + " minutes";
        String clue =
            now.isBefore(Instant.parse("2000-01-01T00:00:00Z"))
                ? " The clock is far in the past: a device that booted without time (1970) fails here."
                : "";
        out.add(
            Finding.fail(
                FindingCode.ofServerCertificate(CertificateError.NOT_YET_VALID, false, false),
                which
                    + " is valid only from "
                    + from
                    + ", "
                    + offset
                    + " after "
                    + clock
                    + " ("
                    + now
                    + ")."
                    + clue
                    + word(CertificateError.NOT_YET_VALID),
                "Set the clock (NTP/SNTP before TLS on devices), or issue the certificate with a notBefore in the past."));
      }
    }
    return ok;
  }

  private boolean checkName(
      X509Certificate leaf, String name, String connectHost, List<Finding> out) {
    List<String> dns = Certs.dnsNames(leaf);
    List<String> ips = Certs.ipAddresses(leaf);
    String has = namesOf(dns, ips);
    if (Certs.isIpLiteral(name)) {
      if (Certs.ipMatches(name, ips)) {
        out.add(
            Finding.pass(
                FindingCode.NAME_MATCHED,
                "The certificate names the IP " + name + " (" + has + ")."));
        out.add(
            Finding.warn(
                FindingCode.IP_SAN_ONLY,
                "The IP "
                    + name
                    + " matches only through an IP SAN; mbedTLS 2.x devices do not match IP SANs and will fail.",
                "Let devices connect by a DNS name in the certificate (add one with mqttls pki server --dns NAME)."));
        return true;
      }
      out.add(
          Finding.fail(
              FindingCode.ofServerCertificate(CertificateError.NAME_MISMATCH, false, true),
              "You connected to the IP "
                  + name
                  + ", but the certificate names "
                  + has
                  + "."
                  + word(CertificateError.NAME_MISMATCH),
              "Connect by one of those names (or pass --servername), or re-issue: "
                  + fixLine(dns, ips, name, true)));
      return false;
    }
    if (Certs.dnsMatches(name, dns)) {
      out.add(
          Finding.pass(
              FindingCode.NAME_MATCHED, "The certificate names " + name + " (" + has + ")."));
      return true;
    }
    String cn = Certs.commonName(leaf);
    String cnNote =
        cn != null && cn.equalsIgnoreCase(name) && dns.isEmpty()
            ? " The common name is "
                + cn
                + ", but clients check only subject alternative names (RFC 6125)."
            : "";
    out.add(
        Finding.fail(
            FindingCode.ofServerCertificate(CertificateError.NAME_MISMATCH, false, false),
            "You connected to "
                + name
                + ", but the certificate names "
                + has
                + "."
                + cnNote
                + word(CertificateError.NAME_MISMATCH),
            "Connect by one of those names, or re-issue: " + fixLine(dns, ips, name, false)));
    return false;
  }

  private static String namesOf(List<String> dns, List<String> ips) {
    List<String> all = new ArrayList<>();
    dns.forEach(n -> all.add("DNS:" + n));
    ips.forEach(n -> all.add("IP:" + n));
    return all.isEmpty() ? "no subject alternative names at all" : String.join(", ", all);
  }

  /** The {@code mqttls pki server NAME --dns ... --ip ...} line that adds the missing name. */
  private static String fixLine(List<String> dns, List<String> ips, String name, boolean ip) {
    List<String> d = new ArrayList<>(dns);
    List<String> i = new ArrayList<>(ips);
    if (ip) {
      i.add(name);
    } else {
      d.add(name);
    }
    // NAME becomes the CN and a DNS SAN; mbedTLS 2.x needs a DNS SAN, so there is always one.
    String first = d.isEmpty() ? "broker" : d.get(0);
    StringBuilder b = new StringBuilder("mqttls pki server ").append(first);
    d.stream().distinct().filter(n -> !n.equals(first)).forEach(n -> b.append(" --dns ").append(n));
    i.stream().distinct().forEach(n -> b.append(" --ip ").append(n));
    return b.toString();
  }

  private String anchorNames() {
    if (anchors.isEmpty()) {
      return " (it holds no certificates)";
    }
    if (anchors.size() > 5) {
      return "";
    }
    return " (it holds "
        + anchors.stream().map(Certs::subject).collect(Collectors.joining("; "))
        + ")";
  }

  private static boolean containsExact(List<X509Certificate> list, X509Certificate c) {
    try {
      byte[] enc = c.getEncoded();
      for (X509Certificate x : list) {
        if (Arrays.equals(x.getEncoded(), enc)) {
          return true;
        }
      }
    } catch (java.security.cert.CertificateEncodingException e) {
      return false;
    }
    return false;
  }
}
