package dev.mqttls.tls.psk;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A device's PSK identity and key in the forms firmware takes them: a C header for mbedTLS ({@code
 * mbedtls_ssl_conf_psk(conf, mqttls_psk, mqttls_psk_len, (const unsigned char *)
 * mqttls_psk_identity, mqttls_psk_identity_len)}), and the nRF91 modem's {@code AT%CMNG} write
 * commands (nRF91 AT command reference, %CMNG: type 3 is the PSK as hexadecimal text, type 4 the
 * PSK identity). Both contain the key: they are secrets.
 */
public final class PskExport {
  /** The nRF91 {@code %CMNG} credential type of a pre-shared key (hexadecimal text). */
  public static final int CMNG_PSK = 3;

  /** The nRF91 {@code %CMNG} credential type of a PSK identity. */
  public static final int CMNG_PSK_IDENTITY = 4;

  private PskExport() {}

  /** A C header defining the identity (a NUL-terminated string) and the key (bytes). */
  public static String cHeader(String identity, byte[] key) {
    PskFile.checkIdentity(identity);
    StringBuilder sb = new StringBuilder();
    sb.append("/* TLS-PSK credentials of '")
        .append(identity.replace("*/", "* /"))
        .append("' for mqttls (mqttls psk export). SECRET: keep out of version control. */\n")
        .append("#ifndef MQTTLS_PSK_H\n#define MQTTLS_PSK_H\n\n#include <stddef.h>\n\n")
        .append("static const char mqttls_psk_identity[] = \"")
        .append(identity.replace("\\", "\\\\").replace("\"", "\\\"").replace("?", "\\?"))
        .append("\";\n")
        .append(
            "static const size_t mqttls_psk_identity_len = sizeof(mqttls_psk_identity) - 1;\n\n")
        .append("static const unsigned char mqttls_psk[] = {");
    for (int i = 0; i < key.length; i++) {
      sb.append(i % 12 == 0 ? "\n    " : " ")
          .append(String.format(Locale.ROOT, "0x%02x", key[i] & 0xff))
          .append(i + 1 < key.length ? "," : "");
    }
    sb.append("\n};\nstatic const size_t mqttls_psk_len = sizeof(mqttls_psk);\n\n")
        .append("#endif /* MQTTLS_PSK_H */\n");
    return sb.toString();
  }

  /**
   * The two {@code AT%CMNG=0,<sec_tag>,<type>,"<content>"} lines that write the key (type 3) and
   * the identity (type 4) into security tag {@code secTag}.
   */
  public static String nrfAt(int secTag, String identity, byte[] key) {
    PskFile.checkIdentity(identity);
    if (identity.indexOf('"') >= 0) {
      throw new IllegalArgumentException("an identity with '\"' cannot be written with AT%CMNG");
    }
    if (secTag < 0) {
      throw new IllegalArgumentException("sec_tag must be 0 to 2147483647");
    }
    return "AT%CMNG=0,"
        + secTag
        + ","
        + CMNG_PSK
        + ",\""
        + HexFormat.of().formatHex(key)
        + "\"\n"
        + "AT%CMNG=0,"
        + secTag
        + ","
        + CMNG_PSK_IDENTITY
        + ",\""
        + identity
        + "\"\n";
  }
}
