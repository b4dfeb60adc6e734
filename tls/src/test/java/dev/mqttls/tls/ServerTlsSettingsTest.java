package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Directive values are checked one by one, the combination at build(), without file IO. */
class ServerTlsSettingsTest {
  private final Path base = Path.of("/etc/mosquitto");

  private ServerTlsSettings.Builder seeds() {
    // the seeds' listener, as written in their mosquitto.conf
    return ServerTlsSettings.builder(base)
        .directive("cafile", List.of("/etc/mosquitto/certs/ca.crt"))
        .directive("certfile", List.of("/etc/mosquitto/certs/server.crt"))
        .directive("keyfile", List.of("/etc/mosquitto/certs/server.key"))
        .directive("require_certificate", List.of("true"))
        .directive("tls_version", List.of("tlsv1.2"));
  }

  @Test
  void seedsListener_accepted() {
    ServerTlsSettings s = seeds().build();
    assertThat(s.isTlsEnabled()).isTrue();
    assertThat(s.requireCertificate()).isTrue();
    assertThat(s.minVersion()).isEqualTo("TLSv1.2");
    assertThat(s.engine()).isEqualTo(TlsEngine.OPENSSL);
    assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.sendRoot()).isFalse();
    assertThat(s.certIdentity()).isEqualTo(CertIdentity.CN);
  }

  @Test
  void everyDirective_isTlsDirective() {
    for (String d :
        List.of(
            "cafile",
            "capath",
            "certfile",
            "keyfile",
            "keyfile_password",
            "require_certificate",
            "use_identity_as_username",
            "use_subject_as_username",
            "tls_version",
            "ciphers",
            "ciphers_tls1.3",
            "crlfile",
            "dhparamfile",
            "cert_identity",
            "use_identity_as_clientid",
            "crl_expired",
            "sni_cert",
            "alpn",
            "tls_max_record_size",
            "tls_send_root",
            "tls_handshake_timeout",
            "tls_engine")) {
      assertThat(ServerTlsSettings.isTlsDirective(d)).as(d).isTrue();
    }
    assertThat(ServerTlsSettings.isTlsDirective("listener")).isFalse();
    assertThat(ServerTlsSettings.isTlsDirective("max_connection_rate")).isFalse();
    assertThat(ServerTlsSettings.isTlsDirective("protocol")).isFalse();
    assertThat(ServerTlsSettings.isTlsDirective("http_dir")).isFalse();
  }

  @Test
  void relativePaths_resolveAgainstBaseDir() {
    ServerTlsSettings s =
        ServerTlsSettings.builder(base)
            .directive("certfile", List.of("certs/server.crt"))
            .directive("keyfile", List.of("certs/server.key"))
            .build();
    assertThat(s.certFile()).contains(Path.of("/etc/mosquitto/certs/server.crt"));
  }

  @Test
  void badValues_explainWhatIsExpected() {
    ServerTlsSettings.Builder b = ServerTlsSettings.builder(base);
    assertThatThrownBy(() -> b.directive("require_certificate", List.of("yes")))
        .hasMessage("must be true or false, got 'yes'");
    assertThatThrownBy(() -> b.directive("tls_version", List.of("tlsv1.4")))
        .hasMessageContaining("expected tlsv1.3, tlsv1.2, tlsv1.1 or tlsv1");
    assertThatThrownBy(() -> b.directive("cert_identity", List.of("uid")))
        .hasMessageContaining("expected cn, dn, san-dns, san-uri, san-email, serial or sha256");
    assertThatThrownBy(() -> b.directive("tls_engine", List.of("gnutls")))
        .hasMessageContaining("expected openssl or jdk");
    assertThatThrownBy(() -> b.directive("tls_max_record_size", List.of("100")))
        .hasMessageContaining("512 to 16384");
    assertThatThrownBy(() -> b.directive("sni_cert", List.of("a.example", "a.crt")))
        .hasMessageContaining("SERVER_NAME CERTFILE KEYFILE");
    assertThatThrownBy(() -> b.directive("certfile", List.of())).hasMessage("needs a value");
    assertThatThrownBy(() -> b.directive("require_certificate", List.of("true", "false")))
        .hasMessage("takes one value, got 2: true false");
    assertThatThrownBy(() -> b.directive("tls_handshake_timeout", List.of("soon")))
        .hasMessageContaining("expected seconds");
    assertThatThrownBy(() -> b.directive("crl_expired", List.of("ignore")))
        .hasMessageContaining("expected warn or refuse");
  }

  @Test
  void directiveFromAFile_pathMayHoldSpaces_andErrorsNameFileAndLine() throws Exception {
    Path conf = Path.of("/etc/mosquitto/conf.d/tls.conf");
    ServerTlsSettings s =
        ServerTlsSettings.builder(Path.of("/elsewhere"))
            .directive(dev.mqttls.conf.Directive.at(conf, 3, "certfile", "  my certs/server.crt  "))
            .directive(dev.mqttls.conf.Directive.at(conf, 4, "keyfile", "/k/server.key"))
            .build();
    assertThat(s.certFile()).contains(Path.of("/etc/mosquitto/conf.d/my certs/server.crt"));
    assertThatThrownBy(
            () ->
                ServerTlsSettings.builder(base)
                    .directive(dev.mqttls.conf.Directive.at(conf, 7, "tls_version", "tlsv9")))
        .isInstanceOf(dev.mqttls.conf.ConfException.class)
        .hasMessageStartingWith(conf + ":7: tls_version: expected tlsv1.3");
  }

  @Test
  void values_parsed() {
    ServerTlsSettings s =
        seeds()
            .directive("tls_handshake_timeout", List.of("500ms"))
            .directive("alpn", List.of("mqtt,x-amzn-mqtt-ca"))
            .directive("cert_identity", List.of("san-uri"))
            .directive("tls_engine", List.of("jdk"))
            .directive("tls_max_record_size", List.of("1024"))
            .build();
    assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.alpn()).containsExactly("mqtt", "x-amzn-mqtt-ca");
    assertThat(s.certIdentity()).isEqualTo(CertIdentity.SAN_URI);
    assertThat(s.engine()).isEqualTo(TlsEngine.JDK);
    assertThat(s.maxRecordSize()).isEqualTo(1024);
  }

  @Test
  void combinations_checkedAtBuild() {
    assertThatThrownBy(
            () ->
                ServerTlsSettings.builder(base)
                    .directive("certfile", List.of("s.crt"))
                    .directive("keyfile", List.of("s.key"))
                    .directive("require_certificate", List.of("true"))
                    .build())
        .hasMessageContaining("require_certificate true needs cafile or capath");
    assertThatThrownBy(
            () ->
                ServerTlsSettings.builder(base)
                    .directive("cafile", List.of("ca.crt"))
                    .directive("certfile", List.of("s.crt"))
                    .build())
        .hasMessageContaining("certfile given without keyfile");
    assertThatThrownBy(
            () ->
                ServerTlsSettings.builder(base)
                    .directive("cafile", List.of("ca.crt"))
                    .directive("certfile", List.of("s.crt"))
                    .directive("keyfile", List.of("s.key"))
                    .directive("use_identity_as_clientid", List.of("true"))
                    .build())
        .hasMessageContaining("use_identity_as_clientid needs require_certificate true");
    assertThatThrownBy(
            () ->
                seeds()
                    .directive("use_identity_as_username", List.of("true"))
                    .directive("use_subject_as_username", List.of("true"))
                    .build())
        .hasMessageContaining("exclude each other");
  }

  @Test
  void toString_neverShowsThePassword() {
    ServerTlsSettings s = seeds().directive("keyfile_password", List.of("hunter2")).build();
    assertThat(s.toString()).doesNotContain("hunter2").contains("keyfile_password=(set)");
  }

  @Test
  void noTlsDirectives_plainListener() {
    assertThat(ServerTlsSettings.builder(base).build().isTlsEnabled()).isFalse();
  }
}
