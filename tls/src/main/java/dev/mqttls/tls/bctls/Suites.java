package dev.mqttls.tls.bctls;

import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.TlsUtils;

/** What a cipher suite code point is, as far as choosing the bctls engine needs to know. */
public final class Suites {
  private Suites() {}

  /** Whether {@code code} is a TLS 1.2 (or older) PSK suite: PSK, ECDHE_PSK, DHE_PSK, RSA_PSK. */
  public static boolean psk(int code) {
    switch (TlsUtils.getKeyExchangeAlgorithm(code)) {
      case KeyExchangeAlgorithm.PSK:
      case KeyExchangeAlgorithm.ECDHE_PSK:
      case KeyExchangeAlgorithm.DHE_PSK:
      case KeyExchangeAlgorithm.RSA_PSK:
        return true;
      default:
        return false;
    }
  }

  /** Whether {@code code} encrypts with AES-CCM or AES-CCM-8 (any TLS version). */
  public static boolean ccm(int code) {
    switch (TlsUtils.getEncryptionAlgorithm(code)) {
      case EncryptionAlgorithm.AES_128_CCM:
      case EncryptionAlgorithm.AES_128_CCM_8:
      case EncryptionAlgorithm.AES_256_CCM:
      case EncryptionAlgorithm.AES_256_CCM_8:
        return true;
      default:
        return false;
    }
  }

  /** The IANA name of {@code code}, e.g. {@code TLS_PSK_WITH_AES_128_CCM_8}, or its hex form. */
  public static String name(int code) {
    return SuiteNames.name(code);
  }
}
