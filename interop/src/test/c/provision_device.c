/*
 * A device that provisions itself over MQTT (docs/provisioning.md) with mbedTLS 2.28, as firmware
 * would: it holds only the CA and a shared claim certificate, makes its own ECDSA P-256 key, builds
 * a CSR with mbedtls_x509write_csr (CN = its device id), connects with the claim certificate using
 * its device id as client id, subscribes to its two answer topics, publishes the bare PEM CSR to
 * $mqttls/provision/csr, stores the certificate it gets (device.crt) beside its key (device.key),
 * then reconnects with its own identity and publishes at QoS 1.
 *
 * argv: port host ca.pem claim.crt claim.key device-id out-dir
 * Exit: 0 ok, 2 setup, 3 handshake, 4 I/O, 5 CONNACK refused, 6 protocol, 7 provisioning refused
 * (prints "refused: CODE: message").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/x509_csr.h"
#include "mbedtls/pk.h"
#include "mbedtls/ecp.h"

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;

typedef struct {
  mbedtls_net_context net;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config conf;
} conn_t;

static int write_all(mbedtls_ssl_context *ssl, const unsigned char *p, size_t len) {
  while (len > 0) {
    int r = mbedtls_ssl_write(ssl, p, len);
    if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    if (r <= 0) return -1;
    p += r;
    len -= (size_t) r;
  }
  return 0;
}

static int read_all(mbedtls_ssl_context *ssl, unsigned char *p, size_t len) {
  while (len > 0) {
    int r = mbedtls_ssl_read(ssl, p, len);
    if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    if (r <= 0) return -1;
    p += r;
    len -= (size_t) r;
  }
  return 0;
}

/* One MQTT packet: its first byte; the body (NUL-terminated) in buf, its length in *len. */
static int read_packet(mbedtls_ssl_context *ssl, unsigned char *buf, size_t cap, size_t *len) {
  unsigned char b;
  size_t rl = 0, mult = 1;
  if (read_all(ssl, &b, 1) != 0) return -1;
  for (int i = 0; i < 4; i++) {
    unsigned char d;
    if (read_all(ssl, &d, 1) != 0) return -1;
    rl += (d & 127) * mult;
    mult *= 128;
    if (!(d & 128)) break;
  }
  if (rl + 1 > cap) return -1;
  if (rl > 0 && read_all(ssl, buf, rl) != 0) return -1;
  buf[rl] = 0;
  *len = rl;
  return b;
}

static size_t put_rl(unsigned char *p, size_t rl) {
  size_t n = 0;
  do {
    unsigned char d = rl % 128;
    rl /= 128;
    if (rl > 0) d |= 128;
    p[n++] = d;
  } while (rl > 0);
  return n;
}

static size_t put_str(unsigned char *p, const char *s) {
  size_t n = strlen(s);
  p[0] = (unsigned char) (n >> 8);
  p[1] = (unsigned char) n;
  memcpy(p + 2, s, n);
  return n + 2;
}

static int tls_connect(conn_t *c, const char *port, const char *host, mbedtls_x509_crt *ca,
                       mbedtls_x509_crt *own, mbedtls_pk_context *key) {
  int ret;
  mbedtls_net_init(&c->net);
  mbedtls_ssl_init(&c->ssl);
  mbedtls_ssl_config_init(&c->conf);
  if ((ret = mbedtls_net_connect(&c->net, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP)) != 0) {
    printf("connect failed -0x%04x\n", -ret);
    return 2;
  }
  mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                              MBEDTLS_SSL_PRESET_DEFAULT);
  mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&c->conf, ca, NULL);
  mbedtls_ssl_conf_own_cert(&c->conf, own, key);
  mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &drbg);
  mbedtls_ssl_conf_read_timeout(&c->conf, 15000);
  if (mbedtls_ssl_setup(&c->ssl, &c->conf) != 0) return 2;
  if (mbedtls_ssl_set_hostname(&c->ssl, host) != 0) return 2;
  mbedtls_ssl_set_bio(&c->ssl, &c->net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
  while ((ret = mbedtls_ssl_handshake(&c->ssl)) != 0) {
    if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
      printf("handshake failed -0x%04x\n", -ret);
      return 3;
    }
  }
  return 0;
}

static void tls_close(conn_t *c) {
  mbedtls_ssl_close_notify(&c->ssl);
  mbedtls_net_free(&c->net);
  mbedtls_ssl_free(&c->ssl);
  mbedtls_ssl_config_free(&c->conf);
}

/* MQTT 3.1.1 CONNECT, clean session, client id = device id; the certificate is the identity. */
static int mqtt_connect(conn_t *c, const char *id) {
  unsigned char pkt[128], body[128], ack[8];
  size_t n = 0, len;
  n += put_str(body + n, "MQTT");
  body[n++] = 4;    /* 3.1.1 */
  body[n++] = 0x02; /* clean session */
  body[n++] = 0;
  body[n++] = 60;
  n += put_str(body + n, id);
  pkt[0] = 0x10;
  size_t h = 1 + put_rl(pkt + 1, n);
  memcpy(pkt + h, body, n);
  if (write_all(&c->ssl, pkt, h + n) != 0) return 4;
  int type = read_packet(&c->ssl, ack, sizeof ack, &len);
  if (type != 0x20 || len != 2) return 6;
  if (ack[1] != 0) {
    printf("connack rc=%d\n", ack[1]);
    return 5;
  }
  return 0;
}

static int write_file(const char *dir, const char *name, const unsigned char *data, size_t len) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return -1;
  size_t w = fwrite(data, 1, len, f);
  return fclose(f) == 0 && w == len ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: port host ca.pem claim.crt claim.key device-id out-dir\n");
    return 2;
  }
  const char *port = argv[1], *host = argv[2], *id = argv[6], *out = argv[7];
  mbedtls_x509_crt ca, claim, own;
  mbedtls_pk_context claim_key, key;
  static unsigned char csr[4096], key_pem[1024], pkt[8192], buf[8192];
  char subject[128], topic[160], cert_topic[160], refused_topic[160], path[512];
  size_t len;
  int ret;
  mbedtls_x509_crt_init(&ca);
  mbedtls_x509_crt_init(&claim);
  mbedtls_x509_crt_init(&own);
  mbedtls_pk_init(&claim_key);
  mbedtls_pk_init(&key);
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) != 0) return 2;
  if (mbedtls_x509_crt_parse_file(&ca, argv[3]) != 0) return 2;
  if (mbedtls_x509_crt_parse_file(&claim, argv[4]) != 0) return 2;
  if (mbedtls_pk_parse_keyfile(&claim_key, argv[5], NULL) != 0) return 2;

  /* 1. The device's own key, made here and kept (device.key). */
  if ((ret = mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))) != 0) return 2;
  if ((ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key),
                                 mbedtls_ctr_drbg_random, &drbg)) != 0) {
    printf("key generation failed -0x%04x\n", -ret);
    return 2;
  }
  if (mbedtls_pk_write_key_pem(&key, key_pem, sizeof key_pem) != 0) return 2;
  if (write_file(out, "device.key", key_pem, strlen((char *) key_pem)) != 0) return 2;

  /* 2. The CSR: CN = device id, signed with that key. */
  mbedtls_x509write_csr req;
  mbedtls_x509write_csr_init(&req);
  mbedtls_x509write_csr_set_md_alg(&req, MBEDTLS_MD_SHA256);
  mbedtls_x509write_csr_set_key(&req, &key);
  snprintf(subject, sizeof subject, "CN=%s", id);
  if ((ret = mbedtls_x509write_csr_set_subject_name(&req, subject)) != 0) return 2;
  if ((ret = mbedtls_x509write_csr_pem(&req, csr, sizeof csr, mbedtls_ctr_drbg_random, &drbg)) != 0) {
    printf("csr failed -0x%04x\n", -ret);
    return 2;
  }
  mbedtls_x509write_csr_free(&req);
  size_t csr_len = strlen((char *) csr);
  printf("csr made: %u bytes of PEM\n", (unsigned) csr_len);

  /* 3. Connect with the claim certificate, the device id as client id. */
  conn_t c;
  if ((ret = tls_connect(&c, port, host, &ca, &claim, &claim_key)) != 0) return ret;
  if ((ret = mqtt_connect(&c, id)) != 0) return ret;

  /* 4. Subscribe to the two answer topics (QoS 0), then publish the CSR. */
  snprintf(cert_topic, sizeof cert_topic, "$mqttls/provision/certificate/%s", id);
  snprintf(refused_topic, sizeof refused_topic, "$mqttls/provision/refused/%s", id);
  size_t n = 0;
  buf[n++] = 0;
  buf[n++] = 1; /* packet id */
  n += put_str(buf + n, cert_topic);
  buf[n++] = 0;
  n += put_str(buf + n, refused_topic);
  buf[n++] = 0;
  pkt[0] = 0x82;
  size_t h = 1 + put_rl(pkt + 1, n);
  memcpy(pkt + h, buf, n);
  if (write_all(&c.ssl, pkt, h + n) != 0) return 4;
  int type = read_packet(&c.ssl, buf, sizeof buf, &len);
  if (type != 0x90 || len != 4 || buf[2] != 0 || buf[3] != 0) {
    printf("suback refused: type 0x%02x\n", type);
    return 6;
  }
  n = put_str(buf, "$mqttls/provision/csr");
  memcpy(buf + n, csr, csr_len);
  n += csr_len;
  pkt[0] = 0x30;
  h = 1 + put_rl(pkt + 1, n);
  memcpy(pkt + h, buf, n);
  if (write_all(&c.ssl, pkt, h + n) != 0) return 4;

  /* 5. The answer: a PUBLISH on one of the two topics. */
  for (;;) {
    type = read_packet(&c.ssl, buf, sizeof buf, &len);
    if (type < 0) {
      printf("no answer\n");
      return 4;
    }
    if ((type & 0xf0) == 0x30) break;
  }
  size_t tl = ((size_t) buf[0] << 8) | buf[1];
  size_t off = 2 + tl + ((type & 0x06) ? 2 : 0);
  if (tl >= sizeof topic) return 6;
  memcpy(topic, buf + 2, tl);
  topic[tl] = 0;
  unsigned char *payload = buf + off;
  size_t payload_len = len - off;
  payload[payload_len] = 0;
  tls_close(&c);
  if (strcmp(topic, refused_topic) == 0) {
    printf("refused: %s\n", (char *) payload);
    return 7;
  }
  if (strcmp(topic, cert_topic) != 0) return 6;

  /* 6. Store the certificate; it must parse and be for our key. */
  if (write_file(out, "device.crt", payload, payload_len) != 0) return 2;
  snprintf(path, sizeof path, "%s/device.crt", out);
  if ((ret = mbedtls_x509_crt_parse_file(&own, path)) != 0) {
    printf("certificate parse failed -0x%04x\n", -ret);
    return 6;
  }
  if (mbedtls_pk_check_pair(&own.pk, &key) != 0) {
    printf("certificate is not for our key\n");
    return 6;
  }
  printf("provisioned: %u bytes of certificate chain stored\n", (unsigned) payload_len);

  /* 7. Reconnect as ourselves and publish at QoS 1. */
  if ((ret = tls_connect(&c, port, host, &ca, &own, &key)) != 0) return ret;
  if ((ret = mqtt_connect(&c, id)) != 0) return ret;
  snprintf(topic, sizeof topic, "sensors/%s/hello", id);
  char msg[128];
  snprintf(msg, sizeof msg, "hello from %s", id);
  n = put_str(buf, topic);
  buf[n++] = 0;
  buf[n++] = 7; /* packet id */
  memcpy(buf + n, msg, strlen(msg));
  n += strlen(msg);
  pkt[0] = 0x32;
  h = 1 + put_rl(pkt + 1, n);
  memcpy(pkt + h, buf, n);
  if (write_all(&c.ssl, pkt, h + n) != 0) return 4;
  type = read_packet(&c.ssl, buf, sizeof buf, &len);
  if (type != 0x40 || len != 2 || buf[1] != 7) {
    printf("no puback: type 0x%02x\n", type);
    return 6;
  }
  static const unsigned char disconnect[] = {0xe0, 0x00};
  write_all(&c.ssl, disconnect, sizeof disconnect);
  tls_close(&c);
  printf("published as %s\n", id);
  return 0;
}
