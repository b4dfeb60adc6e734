package dev.mqttls.cli.client;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON as mosquitto_sub prints it through cJSON: compact, or with {@code --pretty} cJSON's layout
 * (tab indents, a tab after each colon), so that {@code -F %j} output matches mosquitto_sub's byte
 * for byte. Also the small parser that {@code %J} needs to embed a JSON payload.
 */
public final class JsonWriter {
  /** The JSON null, as {@link #parse} returns it (Java null means "not JSON"). */
  static final Object NULL = new Object();

  private final boolean pretty;
  private final StringBuilder sb = new StringBuilder(128);
  private final List<Boolean> firstInLevel = new ArrayList<>();

  JsonWriter(boolean pretty) {
    this.pretty = pretty;
  }

  JsonWriter begin() {
    sb.append('{');
    firstInLevel.add(true);
    return this;
  }

  JsonWriter end() {
    boolean empty = firstInLevel.remove(firstInLevel.size() - 1);
    if (pretty) {
      if (!empty || firstInLevel.isEmpty()) {
        sb.append('\n');
      }
      indent(firstInLevel.size());
    }
    sb.append('}');
    return this;
  }

  JsonWriter name(String name) {
    int level = firstInLevel.size() - 1;
    if (!firstInLevel.get(level)) {
      sb.append(',');
    }
    firstInLevel.set(level, false);
    if (pretty) {
      sb.append('\n');
      indent(level + 1);
    }
    quote(name);
    sb.append(':');
    if (pretty) {
      sb.append('\t');
    }
    return this;
  }

  JsonWriter string(String s) {
    quote(s);
    return this;
  }

  JsonWriter number(long n) {
    sb.append(n);
    return this;
  }

  JsonWriter bytes(byte[] b) {
    sb.append('[');
    for (int i = 0; i < b.length; i++) {
      if (i > 0) {
        sb.append(pretty ? ", " : ",");
      }
      sb.append(b[i] & 0xff);
    }
    sb.append(']');
    return this;
  }

  /** Writes a value as {@link #parse} returns it. */
  @SuppressWarnings("unchecked")
  JsonWriter value(Object v) {
    if (v == NULL) {
      sb.append("null");
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof String s) {
      quote(s);
    } else if (v instanceof BigDecimal d) {
      sb.append(number(d));
    } else if (v instanceof Map<?, ?> map) {
      begin();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        name(e.getKey()).value(e.getValue());
      }
      end();
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(pretty ? ", " : ",");
        }
        value(list.get(i));
      }
      sb.append(']');
    }
    return this;
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  private void indent(int level) {
    for (int i = 0; i < level; i++) {
      sb.append('\t');
    }
  }

  /** cJSON's number form: an integer when it is one, else 15 significant digits. */
  private static String number(BigDecimal d) {
    BigDecimal r = d.round(new MathContext(15)).stripTrailingZeros();
    if (r.scale() <= 0 && r.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
      return r.toBigInteger().toString();
    }
    return r.toString().replace("E+", "e+").replace("E-", "e-");
  }

  private void quote(String s) {
    quote(sb, s);
  }

  /**
   * Appends {@code s} as a JSON string, escaped as cJSON escapes it: the one JSON string escaping
   * of the command line ({@code pki --json} uses it too).
   */
  public static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /**
   * The value of a JSON text (maps keep their order, numbers are BigDecimal, null is {@link
   * #NULL}), or Java null when the text is not exactly one JSON value.
   */
  static Object parse(String text) {
    Parser p = new Parser(text);
    try {
      p.skipSpace();
      Object v = p.value(0);
      p.skipSpace();
      return p.pos == text.length() ? v : null;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static final class Parser {
    private static final int MAX_DEPTH = 1000;
    private final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    void skipSpace() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("too deep");
      }
      char c = s.charAt(pos);
      if (c == '{') {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (s.charAt(pos) == '}') {
          pos++;
          return map;
        }
        while (true) {
          skipSpace();
          String key = string();
          skipSpace();
          expect(':');
          skipSpace();
          map.put(key, value(depth + 1));
          skipSpace();
          if (s.charAt(pos) == ',') {
            pos++;
          } else {
            expect('}');
            return map;
          }
        }
      }
      if (c == '[') {
        pos++;
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (s.charAt(pos) == ']') {
          pos++;
          return list;
        }
        while (true) {
          skipSpace();
          list.add(value(depth + 1));
          skipSpace();
          if (s.charAt(pos) == ',') {
            pos++;
          } else {
            expect(']');
            return list;
          }
        }
      }
      if (c == '"') {
        return string();
      }
      if (s.startsWith("true", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("false", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      if (s.startsWith("null", pos)) {
        pos += 4;
        return NULL;
      }
      int start = pos;
      while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
      String num = s.substring(start, pos);
      if (!num.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
        throw new IllegalArgumentException("not a number");
      }
      return new BigDecimal(num);
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("control character in string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> throw new IllegalArgumentException("bad escape");
        }
      }
    }

    private void expect(char c) {
      if (s.charAt(pos) != c) {
        throw new IllegalArgumentException("expected " + c);
      }
      pos++;
    }
  }
}
