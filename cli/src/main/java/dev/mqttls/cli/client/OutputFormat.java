package dev.mqttls.cli.client;

import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.codec.UserProperty;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * mosquitto_sub's {@code -F} output format: {@code %} sequences for the message and its MQTT 5
 * properties (with mosquitto's flags, field width and precision), {@code @} sequences for the time
 * as strftime(3) spells it, and {@code \} escapes. Renders bytes, since payloads need not be text.
 *
 * <p>Where we differ: {@code %m} (the packet id) and {@code %A} (the topic alias) print as absent,
 * because the client library resolves both before handing the message over.
 */
final class OutputFormat {
  private final String format;
  private final boolean pretty;

  OutputFormat(String format, boolean pretty) {
    this.format = format;
    this.pretty = pretty;
  }

  /**
   * The bytes to print for {@code m} received at {@code now} (without the end of line), reporting a
   * payload that {@code %J} cannot embed to {@code problems}.
   */
  byte[] render(Message m, ZonedDateTime now, Consumer<String> problems) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + m.payloadSize());
    int len = format.length();
    for (int i = 0; i < len; i++) {
      char c = format.charAt(i);
      if (c == '%') {
        if (i >= len - 1) {
          continue;
        }
        i++;
        char align = 0;
        char pad = ' ';
        int width = 0;
        int precision = -1;
        if (format.charAt(i) == '-') {
          align = '-';
          if (i < len - 1) {
            i++;
          }
        }
        if (format.charAt(i) == '0') {
          pad = '0';
          if (i < len - 1) {
            i++;
          }
        }
        while (i < len - 1 && Character.isDigit(format.charAt(i))) {
          width = width * 10 + (format.charAt(i) - '0');
          i++;
        }
        if (format.charAt(i) == '.' && i < len - 1) {
          i++;
          precision = 0;
          while (i < len - 1 && Character.isDigit(format.charAt(i))) {
            precision = precision * 10 + (format.charAt(i) - '0');
            i++;
          }
        }
        percent(out, m, now, format.charAt(i), align, pad, width, precision, problems);
      } else if (c == '@') {
        if (i >= len - 1) {
          continue;
        }
        i++;
        char t = format.charAt(i);
        if (t == '@') {
          out.write('@');
        } else if (t == 'N') {
          text(out, String.format(Locale.ROOT, "%09d", now.getNano()));
        } else {
          text(out, strftime(t, now));
        }
      } else if (c == '\\') {
        if (i >= len - 1) {
          continue;
        }
        i++;
        switch (format.charAt(i)) {
          case '\\' -> out.write('\\');
          case '0' -> out.write(0);
          case 'a' -> out.write(7);
          case 'e' -> out.write(27);
          case 'n' -> out.write('\n');
          case 'r' -> out.write('\r');
          case 't' -> out.write('\t');
          case 'v' -> out.write(11);
          default -> {
            // mosquitto prints nothing for an unknown escape
          }
        }
      } else {
        text(out, String.valueOf(c));
      }
    }
    return out.toByteArray();
  }

  private void percent(
      ByteArrayOutputStream out,
      Message m,
      ZonedDateTime now,
      char f,
      char align,
      char pad,
      int width,
      int precision,
      Consumer<String> problems) {
    MessageProperties p = m.properties();
    switch (f) {
      case '%' -> out.write('%');
      case 'A' -> blank(out, pad, width);
      case 'C' ->
          p.contentType()
              .ifPresentOrElse(
                  s -> str(out, s, align, width, precision), () -> blank(out, ' ', width));
      case 'D' -> p.correlationData().ifPresent(out::writeBytes);
      case 'E' ->
          p.messageExpirySeconds()
              .ifPresentOrElse(
                  s -> integer(out, s, align, pad, width), () -> blank(out, pad, width));
      case 'F' ->
          p.payloadUtf8()
              .ifPresentOrElse(
                  u -> integer(out, u ? 1 : 0, align, pad, width), () -> blank(out, pad, width));
      case 'I' ->
          str(
              out,
              now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx", Locale.ROOT)),
              align,
              width,
              precision);
      case 'j' -> text(out, json(m, now, true));
      case 'J' -> {
        String j = json(m, now, false);
        if (j == null) {
          problems.accept("Error: Message payload is not valid JSON on topic " + m.topic() + ".");
        } else {
          text(out, j);
        }
      }
      case 'l' -> integer(out, m.payloadSize(), align, pad, width);
      case 'm' -> {
        if (m.qos().code() == 0) {
          integer(out, 0, align, pad, width);
        } else {
          blank(out, pad, width);
        }
      }
      case 'P' -> {
        boolean first = true;
        for (UserProperty u : p.userProperties()) {
          if (!first) {
            out.write(' ');
          }
          first = false;
          text(out, u.name() + ":" + u.value());
        }
      }
      case 'p' -> payload(out, m.payload(), 0, align, pad, width);
      case 'q' -> out.write('0' + m.qos().code());
      case 'R' -> p.responseTopic().ifPresent(s -> str(out, s, align, width, precision));
      case 'r' -> out.write(m.retain() ? '1' : '0');
      case 'S' -> {
        if (p.subscriptionIdentifiers().isEmpty()) {
          blank(out, pad, width);
        } else {
          integer(out, p.subscriptionIdentifiers().get(0), align, pad, width);
        }
      }
      case 't' -> str(out, m.topic(), align, width, precision);
      case 'U' ->
          text(out, now.toEpochSecond() + String.format(Locale.ROOT, ".%09d", now.getNano()));
      case 'x' -> payload(out, m.payload(), 1, align, pad, width);
      case 'X' -> payload(out, m.payload(), 2, align, pad, width);
      default -> {
        // mosquitto prints nothing for an unknown sequence
      }
    }
  }

  private static void text(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void blank(ByteArrayOutputStream out, char pad, int width) {
    for (int i = 0; i < width; i++) {
      out.write(pad);
    }
  }

  private static void integer(ByteArrayOutputStream out, long v, char align, char pad, int width) {
    String s = Long.toString(v);
    if (width == 0 || s.length() >= width) {
      text(out, s);
    } else if (align == '-') {
      text(out, s + " ".repeat(width - s.length()));
    } else if (pad == '0') {
      boolean negative = v < 0;
      String digits = negative ? s.substring(1) : s;
      text(out, (negative ? "-" : "") + "0".repeat(width - s.length()) + digits);
    } else {
      text(out, " ".repeat(width - s.length()) + s);
    }
  }

  /** printf's %*.*s on UTF-8 bytes, as mosquitto counts them. */
  private static void str(
      ByteArrayOutputStream out, String value, char align, int width, int precision) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    int n = precision >= 0 ? Math.min(precision, b.length) : b.length;
    int padding = Math.max(0, width - n);
    if (align != '-') {
      blank(out, ' ', padding);
    }
    out.write(b, 0, n);
    if (align == '-') {
      blank(out, ' ', padding);
    }
  }

  /** mosquitto's write_payload: raw (0), lower (1) or upper (2) hex, with its width rules. */
  private static void payload(
      ByteArrayOutputStream out, byte[] payload, int hex, char align, char pad, int width) {
    int n = payload.length;
    int padding;
    if (width > 0) {
      n = Math.min(n, width);
      if (hex > 0) {
        n /= 2;
        padding = width - n * 2;
      } else {
        padding = width - n;
      }
    } else {
      padding = -n;
    }
    if (align != '-') {
      blank(out, pad, padding);
    }
    if (hex == 0) {
      out.write(payload, 0, n);
    } else {
      for (int i = 0; i < n; i++) {
        text(out, String.format(Locale.ROOT, hex == 1 ? "%02x" : "%02X", payload[i] & 0xff));
      }
    }
    if (align == '-') {
      blank(out, ' ', padding);
    }
  }

  /**
   * mosquitto_sub's %j (payload as a JSON string, or an array of bytes when it is not text) and %J
   * (payload embedded as JSON; null when it is not valid JSON).
   */
  private String json(Message m, ZonedDateTime now, boolean escaped) {
    JsonWriter w = new JsonWriter(pretty);
    w.begin();
    w.name("tst")
        .string(
            now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT))
                + String.format(Locale.ROOT, ".%06dZ", now.getNano() / 1000)
                + now.format(DateTimeFormatter.ofPattern("xx", Locale.ROOT)));
    w.name("topic").string(m.topic());
    w.name("qos").number(m.qos().code());
    w.name("retain").number(m.retain() ? 1 : 0);
    w.name("payloadlen").number(m.payloadSize());
    MessageProperties p = m.properties();
    if (!p.isEmpty()) {
      w.name("properties").begin();
      p.payloadUtf8().ifPresent(u -> w.name("payload-format-indicator").number(u ? 1 : 0));
      p.contentType().ifPresent(s -> w.name("content-type").string(s));
      if (!p.userProperties().isEmpty()) {
        w.name("user-properties").begin();
        for (UserProperty u : p.userProperties()) {
          w.name(u.name()).string(u.value());
        }
        w.end();
      }
      p.responseTopic().ifPresent(s -> w.name("response-topic").string(s));
      p.correlationData()
          .ifPresent(d -> w.name("correlation-data").string(new String(d, StandardCharsets.UTF_8)));
      for (int id : p.subscriptionIdentifiers()) {
        w.name("subscription-identifier").number(id);
      }
      p.messageExpirySeconds().ifPresent(s -> w.name("message-expiry-interval").number(s));
      w.end();
    }
    w.name("payload");
    if (escaped) {
      String text = JsonMessage.utf8(m.payload());
      if (text != null) {
        w.string(text);
      } else {
        w.bytes(m.payload());
      }
    } else {
      String text = JsonMessage.utf8(m.payload());
      Object value = text == null ? null : JsonWriter.parse(text);
      if (value == null) {
        return null;
      }
      w.value(value);
    }
    w.end();
    return w.toString();
  }

  /** strftime(3) conversions of the C/POSIX locale that {@code @X} passes on. */
  static String strftime(char c, ZonedDateTime t) {
    return switch (c) {
      case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT);
      case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT);
      case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT);
      case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT);
      case 'c' -> pattern(t, "EEE MMM ppd HH:mm:ss yyyy");
      case 'C' -> two(t.getYear() / 100);
      case 'd' -> two(t.getDayOfMonth());
      case 'D' -> pattern(t, "MM/dd/yy");
      case 'e' -> String.format(Locale.ROOT, "%2d", t.getDayOfMonth());
      case 'F' -> pattern(t, "yyyy-MM-dd");
      case 'g' -> two(t.get(IsoFields.WEEK_BASED_YEAR) % 100);
      case 'G' -> Integer.toString(t.get(IsoFields.WEEK_BASED_YEAR));
      case 'H' -> two(t.getHour());
      case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
      case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
      case 'k' -> String.format(Locale.ROOT, "%2d", t.getHour());
      case 'l' -> String.format(Locale.ROOT, "%2d", t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
      case 'm' -> two(t.getMonthValue());
      case 'M' -> two(t.getMinute());
      case 'n' -> "\n";
      case 'p' -> t.getHour() < 12 ? "AM" : "PM";
      case 'P' -> t.getHour() < 12 ? "am" : "pm";
      case 'r' -> pattern(t, "hh:mm:ss") + (t.getHour() < 12 ? " AM" : " PM");
      case 'R' -> pattern(t, "HH:mm");
      case 's' -> Long.toString(t.toEpochSecond());
      case 'S' -> two(t.getSecond());
      case 't' -> "\t";
      case 'T' -> pattern(t, "HH:mm:ss");
      case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
      case 'V' -> two(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
      case 'x' -> pattern(t, "MM/dd/yy");
      case 'X' -> pattern(t, "HH:mm:ss");
      case 'y' -> two(t.getYear() % 100);
      case 'Y' -> Integer.toString(t.getYear());
      case 'z' -> pattern(t, "xx");
      case 'Z' -> t.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT);
      case '%' -> "%";
      case 'U' -> two((t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7);
      case 'W' -> two((t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7);
      default -> "";
    };
  }

  private static String two(int v) {
    return String.format(Locale.ROOT, "%02d", v);
  }

  private static String pattern(ZonedDateTime t, String p) {
    return t.format(DateTimeFormatter.ofPattern(p, Locale.ROOT));
  }
}
