package dev.mqttls.cli.pki;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code 30d}, {@code 12h}, {@code 2w} or a bare number of days: how far ahead to look. */
final class Periods {
  private static final Pattern PERIOD = Pattern.compile("(\\d{1,5})([hdw]?)");

  private Periods() {}

  static Duration parse(String option, String text) {
    Matcher m = PERIOD.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new PkiSubcommand.UsageException(
          option + " takes a period like 30d, 12h or 2w, not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "h":
        return Duration.ofHours(n);
      case "w":
        return Duration.ofDays(7 * n);
      default:
        return Duration.ofDays(n);
    }
  }
}
