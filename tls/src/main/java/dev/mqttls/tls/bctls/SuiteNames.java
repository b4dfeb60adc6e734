package dev.mqttls.tls.bctls;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.tls.CipherSuite;

/** IANA names of suite code points, from Bouncy Castle's own table of constants. */
final class SuiteNames {
  private static final Map<Integer, String> NAMES = new HashMap<>();

  static {
    for (Field f : CipherSuite.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == int.class
          && f.getName().startsWith("TLS_")
          && !f.getName().startsWith("DRAFT_")) {
        try {
          NAMES.putIfAbsent(f.getInt(null), f.getName());
        } catch (IllegalAccessException e) {
          throw new ExceptionInInitializerError(e);
        }
      }
    }
  }

  private SuiteNames() {}

  static String name(int code) {
    String n = NAMES.get(code);
    return n != null ? n : String.format(Locale.ROOT, "0x%04X", code);
  }
}
