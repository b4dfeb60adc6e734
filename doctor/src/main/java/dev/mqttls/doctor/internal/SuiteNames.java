package dev.mqttls.doctor.internal;

import java.util.Locale;
import java.util.Map;

/** IANA names of the cipher suites a broker is likely to pick; others print as hex. */
final class SuiteNames {
  private SuiteNames() {}

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(0x1301, "TLS_AES_128_GCM_SHA256"),
          Map.entry(0x1302, "TLS_AES_256_GCM_SHA384"),
          Map.entry(0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
          Map.entry(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
          Map.entry(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
          Map.entry(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
          Map.entry(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
          Map.entry(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
          Map.entry(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
          Map.entry(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
          Map.entry(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
          Map.entry(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
          Map.entry(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
          Map.entry(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
          Map.entry(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
          Map.entry(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
          Map.entry(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
          Map.entry(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
          Map.entry(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
          Map.entry(0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
          Map.entry(0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"));

  static String name(int suite) {
    String n = NAMES.get(suite);
    return n != null ? n : String.format(Locale.ROOT, "cipher suite 0x%04x", suite);
  }
}
