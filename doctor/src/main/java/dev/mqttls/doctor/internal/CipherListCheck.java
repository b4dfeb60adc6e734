package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An OpenSSL {@code ciphers} list read the way it matters for devices: weak suites it lets in, and
 * whether any TLS 1.2 suite it names can be served with the certificate's key ("no shared cipher"
 * is what Mosquitto logs when an ECDSA key meets RSA-only suites). Keywords such as HIGH or DEFAULT
 * are taken as compatible, since they expand to suites of both kinds.
 */
final class CipherListCheck {
  private CipherListCheck() {}

  /**
   * Checks an OpenSSL cipher list against weak suites and against the certificate's key type.
   *
   * @param at where the directive is, "file:line: ciphers ..."
   */
  static void check(String at, String value, X509Certificate leaf, List<Finding> findings) {
    List<String> positive = new ArrayList<>();
    for (String t : value.split("[:, ]+")) {
      if (t.isEmpty() || t.startsWith("!") || t.startsWith("-") || t.startsWith("@")) {
        continue;
      }
      positive.add(t.startsWith("+") ? t.substring(1) : t);
    }
    List<String> weak = new ArrayList<>();
    for (String t : positive) {
      String u = t.toUpperCase(Locale.ROOT);
      if (u.contains("RC4")
          || u.matches(".*(^|-)DES(-|$).*")
          || u.contains("3DES")
          || u.contains("DES-CBC3")
          || u.contains("NULL")
          || u.startsWith("EXP")
          || u.equals("MD5")
          || u.endsWith("-MD5")
          || u.startsWith("ADH")
          || u.startsWith("AECDH")
          || u.equals("LOW")) {
        weak.add(t);
      }
    }
    if (!weak.isEmpty()) {
      findings.add(
          Finding.warn(
              FindingCode.CONFIG_CIPHERS_WEAK,
              at + ": allows weak suites (" + String.join(", ", weak) + ").",
              "Use ECDHE with AES-GCM or ChaCha20, e.g. ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256."));
    }
    String keyAlg = leaf.getPublicKey().getAlgorithm().toUpperCase(Locale.ROOT);
    boolean ec = keyAlg.equals("EC") || keyAlg.equals("ECDSA");
    boolean rsa = keyAlg.equals("RSA");
    boolean anyGeneric = false;
    boolean anyEcdsa = false;
    boolean anyRsa = false;
    for (String t : positive) {
      String u = t.toUpperCase(Locale.ROOT);
      boolean specific =
          u.contains("-")
              && (u.contains("AES")
                  || u.contains("CHACHA")
                  || u.contains("CAMELLIA")
                  || u.contains("ARIA")
                  || u.contains("DES"));
      if (!specific) {
        anyGeneric = true;
      } else if (u.contains("ECDSA")) {
        anyEcdsa = true;
      } else if (u.startsWith("PSK") || u.contains("-PSK-")) {
        continue;
      } else {
        anyRsa = true; // ECDHE-RSA-*, DHE-RSA-*, and bare AES128-SHA-style names (RSA key exchange)
      }
    }
    if (anyGeneric) {
      return;
    }
    if ((ec && !anyEcdsa) || (rsa && !anyRsa)) {
      findings.add(
          Finding.fail(
              FindingCode.CONFIG_CIPHERS_KEY_MISMATCH,
              at
                  + ": lists only "
                  + (ec ? "RSA" : "ECDSA")
                  + " suites, but the certificate has an "
                  + Certs.keyDescription(leaf.getPublicKey())
                  + " key: TLS 1.2 clients get \"no shared cipher\" (TLS 1.3 suites do not depend on the key).",
              ec
                  ? "Use ECDSA suites, e.g. ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305."
                  : "Use RSA suites, e.g. ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305."));
    }
  }
}
