package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A C "device" built in the test against Debian's mbedTLS 2.28 with our {@code c-header} export
 * compiled in: VERIFY_REQUIRED, hostname check, its own certificate and key from the header, a real
 * handshake with 127.0.0.1, then an MQTT 3.1.1 CONNECT and the CONNACK's return code.
 */
final class MbedtlsDevice {
  static final String HEADER_INCLUDE = "/usr/include/mbedtls/ssl.h";

  private static final String SOURCE =
      """
      #include <stdio.h>
      #include <string.h>
      #include "mbedtls/net_sockets.h"
      #include "mbedtls/ssl.h"
      #include "mbedtls/entropy.h"
      #include "mbedtls/ctr_drbg.h"
      #include "mbedtls/x509_crt.h"
      #include "mbedtls/pk.h"
      #include "certs.h"

      /* argv: port, host name to verify. Exit 0 = handshake verified and CONNACK accepted. */
      int main(int argc, char **argv) {
        mbedtls_net_context net; mbedtls_ssl_context ssl; mbedtls_ssl_config conf;
        mbedtls_x509_crt ca, own; mbedtls_pk_context key;
        mbedtls_entropy_context entropy; mbedtls_ctr_drbg_context drbg;
        char buf[512]; int ret;
        mbedtls_net_init(&net); mbedtls_ssl_init(&ssl); mbedtls_ssl_config_init(&conf);
        mbedtls_x509_crt_init(&ca); mbedtls_x509_crt_init(&own); mbedtls_pk_init(&key);
        mbedtls_entropy_init(&entropy); mbedtls_ctr_drbg_init(&drbg);
        if (argc != 3) return 64;
        /* The NUL counted by _len is what makes mbedTLS read the buffer as PEM. */
        ret = mbedtls_x509_crt_parse(&ca, (const unsigned char *) mqttls_ca_cert, mqttls_ca_cert_len);
        if (ret != 0) { printf("ca parse failed -0x%04x\\n", -ret); return 2; }
        ret = mbedtls_x509_crt_parse(&ca, (const unsigned char *) mqttls_ca_cert, strlen(mqttls_ca_cert));
        printf("ca parse without the NUL: -0x%04x\\n", -ret);
        ret = mbedtls_x509_crt_parse(&own, (const unsigned char *) mqttls_device_cert, mqttls_device_cert_len);
        if (ret != 0) { printf("cert parse failed -0x%04x\\n", -ret); return 2; }
        ret = mbedtls_pk_parse_key(&key, (const unsigned char *) mqttls_device_key, mqttls_device_key_len, NULL, 0);
        if (ret != 0) { printf("key parse failed -0x%04x\\n", -ret); return 2; }
        if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) != 0) return 2;
        ret = mbedtls_net_connect(&net, "127.0.0.1", argv[1], MBEDTLS_NET_PROTO_TCP);
        if (ret != 0) { printf("connect failed -0x%04x\\n", -ret); return 2; }
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
        mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
        mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
        mbedtls_ssl_conf_own_cert(&conf, &own, &key);
        mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
        mbedtls_ssl_setup(&ssl, &conf);
        mbedtls_ssl_set_hostname(&ssl, argv[2]);
        mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, mbedtls_net_recv, NULL);
        while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
          if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            uint32_t flags = mbedtls_ssl_get_verify_result(&ssl);
            buf[0] = 0;
            if (flags != 0 && flags != (uint32_t) -1) mbedtls_x509_crt_verify_info(buf, sizeof buf, "", flags);
            printf("handshake failed -0x%04x flags 0x%x %s\\n", -ret, flags, buf);
            return 3;
          }
        }
        if (mbedtls_ssl_get_verify_result(&ssl) != 0) { printf("not verified\\n"); return 3; }
        printf("handshake ok %s %s\\n", mbedtls_ssl_get_version(&ssl), mbedtls_ssl_get_ciphersuite(&ssl));
        static const unsigned char connect[] = {
          0x10, 20, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c,
          0x00, 0x08, 'm', 'b', 'e', 'd', 't', 'l', 's', '1'
        };
        if (mbedtls_ssl_write(&ssl, connect, sizeof connect) != (int) sizeof connect) return 4;
        unsigned char ack[4]; int got = 0;
        while (got < 4) {
          ret = mbedtls_ssl_read(&ssl, ack + got, 4 - got);
          if (ret == MBEDTLS_ERR_SSL_WANT_READ) continue;
          if (ret <= 0) { printf("read failed -0x%04x\\n", -ret); return 4; }
          got += ret;
        }
        printf("connack %02x %02x %02x %02x\\n", ack[0], ack[1], ack[2], ack[3]);
        mbedtls_ssl_close_notify(&ssl);
        return ack[0] == 0x20 && ack[3] == 0 ? 0 : 5;
      }
      """;

  private MbedtlsDevice() {}

  static boolean available() {
    return Exec.installed(HEADER_INCLUDE, "/usr/bin/gcc");
  }

  /** Compiles the device with {@code header} as its {@code certs.h}; returns the executable. */
  static Path build(Path dir, byte[] header) throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve("certs.h"), header);
    Files.writeString(dir.resolve("device.c"), SOURCE);
    Exec.Result cc =
        Exec.run(
            Duration.ofSeconds(120),
            dir,
            "/usr/bin/gcc",
            "-Wall",
            "-Werror",
            "-I",
            ".",
            "-o",
            "device",
            "device.c",
            "-lmbedtls",
            "-lmbedx509",
            "-lmbedcrypto");
    assertThat(cc.exitCode()).as(cc.toString()).isZero();
    return dir.resolve("device");
  }

  static Exec.Result connect(Path device, int port, String host) {
    return Exec.run(
        Duration.ofSeconds(30), device.getParent(), device.toString(), String.valueOf(port), host);
  }
}
