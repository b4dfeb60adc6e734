package dev.mqttls.pki.internal;

import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Validation of the names the CA accepts: ids, DNS names, IP literals, common names, days. */
public final class Names {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** The longest validity accepted: 100 years. */
  public static final int MAX_DAYS = 36500;

  private Names() {}

  /**
   * Checks a certificate id (device id or server name). Ids become file names ({@code
   * certs/ID.crt}), so they are restricted to letters, digits, {@code .}, {@code _} and {@code -}.
   */
  public static String checkId(String id) {
    if (id == null || !ID.matcher(id).matches() || id.contains("..")) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT,
          "invalid id '"
              + printable(id)
              + "': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (id.equalsIgnoreCase("ca")) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT, "id 'ca' is reserved for the CA certificate itself");
    }
    return id;
  }

  /** Checks a DNS name for a SAN; a leading {@code *.} wildcard label is allowed. */
  public static String checkDnsName(String name) {
    if (!isDnsName(name)) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT,
          "'"
              + printable(name)
              + "' is not a DNS name (letters, digits and '-' in dot-separated labels)");
    }
    return name;
  }

  /** Whether {@code name} is a DNS host name (not an IP literal), optionally with a wildcard. */
  public static boolean isDnsName(String name) {
    if (name == null || name.isEmpty() || name.length() > 253 || isIpLiteral(name)) {
      return false;
    }
    String rest = name.startsWith("*.") ? name.substring(2) : name;
    if (rest.endsWith(".")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.isEmpty()) {
      return false;
    }
    for (String label : rest.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code text} looks like an IPv4 or IPv6 literal (no lookup is done). */
  public static boolean isIpLiteral(String text) {
    return text != null && (IPV4.matcher(text).matches() || IPV6.matcher(text).matches());
  }

  /** Parses an IP literal without any DNS lookup; throws naming the bad value otherwise. */
  public static InetAddress parseIp(String text) {
    if (!isIpLiteral(text)) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT, "'" + printable(text) + "' is not an IP address literal");
    }
    if (IPV4.matcher(text).matches()) {
      for (String part : text.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw new PkiException(
              Reason.INVALID_ARGUMENT, "'" + text + "' is not an IPv4 address (octet above 255)");
        }
      }
    }
    try {
      // A literal never triggers a lookup: getByName only parses it.
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT, "'" + text + "' is not an IP address literal");
    }
  }

  /** Checks a common name: 1 to 64 printable characters. */
  public static String checkCommonName(String name, String what) {
    if (name == null
        || name.isBlank()
        || name.length() > 64
        || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT, what + " must be 1 to 64 printable characters");
    }
    return name;
  }

  /** Checks a validity in days: 1 to {@value #MAX_DAYS}. */
  public static int checkDays(int days) {
    if (days < 1 || days > MAX_DAYS) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT, "days must be between 1 and " + MAX_DAYS + ", not " + days);
    }
    return days;
  }

  /** The value with control characters replaced, safe to put in a one-line message. */
  public static String printable(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    text.codePoints().limit(80).forEach(c -> sb.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
    return sb.toString();
  }
}
