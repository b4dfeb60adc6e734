package dev.mqttls.tls.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Suite code points, names and the defaults: forward-secret AEAD only, server preference order. */
public final class CipherSuites {
  private CipherSuites() {}

  /** TLS 1.3 suites, fastest first on hardware with AES instructions. */
  public static final List<String> DEFAULT_TLS13 =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /**
   * TLS 1.2 suites: ECDHE with AES-GCM or ChaCha20-Poly1305, then CCM-8 and CCM for constrained
   * devices when the engine has them (8-byte tags: 21 bytes of overhead per record, not 29).
   */
  public static final List<String> DEFAULT_TLS12 =
      List.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CCM");

  private static final Map<Integer, String> NAMES = new HashMap<>();

  static {
    n(0x1301, "TLS_AES_128_GCM_SHA256");
    n(0x1302, "TLS_AES_256_GCM_SHA384");
    n(0x1303, "TLS_CHACHA20_POLY1305_SHA256");
    n(0x1304, "TLS_AES_128_CCM_SHA256");
    n(0x1305, "TLS_AES_128_CCM_8_SHA256");
    n(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    n(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    n(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    n(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    n(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    n(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    n(0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM");
    n(0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM");
    n(0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8");
    n(0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8");
    n(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
    n(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");
    n(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    n(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
    n(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
    n(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384");
    n(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
    n(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384");
    n(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256");
    n(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384");
    n(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA");
    n(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA");
    n(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256");
    n(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256");
    n(0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8");
    n(0xC09C, "TLS_RSA_WITH_AES_128_CCM");
    n(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
    n(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
    n(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    n(0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256");
    n(0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8");
    n(0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA");
    n(0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256");
    n(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
  }

  private static void n(int code, String name) {
    NAMES.put(code, name);
  }

  /** The IANA name of a code point, or {@code null} when not in our table. */
  public static String name(int code) {
    return NAMES.get(code);
  }

  /** Whether a TLS 1.2 suite authenticates the server with an RSA key. */
  public static boolean rsaAuth(String name) {
    return name.contains("_RSA_WITH_") && !name.contains("_PSK_");
  }

  /** Whether a TLS 1.2 suite authenticates the server with an ECDSA key. */
  public static boolean ecdsaAuth(String name) {
    return name.contains("_ECDSA_WITH_");
  }

  /** Whether a suite is a TLS 1.3 suite (key-type agnostic). */
  public static boolean tls13(String name) {
    return name.startsWith("TLS_AES_") || name.startsWith("TLS_CHACHA20_");
  }
}
