package dev.mqttls.interop.provision;

import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.provision.ProvisioningConfig;
import dev.mqttls.provision.ProvisioningService;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A broker with provisioning as {@code mqttls broker} runs it: mutual TLS with the certificate's CN
 * as the user name, the provisioning directives in the same file, and the service started on the
 * broker's in-process endpoint.
 */
final class ProvisioningFleet implements AutoCloseable {
  static final String CLAIM = "factory-claim";

  final TestPki pki;
  final EmbeddedBroker broker;
  final ProvisioningService service;

  ProvisioningFleet(Path dir, String... extra) throws Exception {
    pki = TestPki.create(dir);
    pki.device(CLAIM);
    List<String> conf =
        new ArrayList<>(
            List.of(
                "listener 0 127.0.0.1",
                "cafile " + pki.caFile(),
                "certfile " + pki.serverCert(),
                "keyfile " + pki.serverKey(),
                "require_certificate true",
                "use_identity_as_username true",
                "provision_ca_dir " + pki.ca().directory(),
                "provision_claim_identity " + CLAIM));
    conf.addAll(List.of(extra));
    broker = EmbeddedBroker.start(conf.toArray(new String[0]));
    try {
      ProvisioningConfig config =
          ProvisioningConfig.parse(broker.confText(), dir.resolve("broker.conf")).orElseThrow();
      service = ProvisioningService.start(broker.broker(), config);
    } catch (Exception | Error e) {
      broker.close();
      throw e;
    }
  }

  int port() {
    return broker.port();
  }

  /** A client configuration with the certificate of {@code id} (issued by the test CA). */
  MqttClientConfig.Builder as(Path cert, Path key) {
    return MqttClientConfig.builder("localhost")
        .port(port())
        .tls(TlsConfig.builder().caFile(pki.caFile()).certFile(cert).keyFile(key).build());
  }

  MqttClientConfig claim() {
    TestPki.Device d = pki.device(CLAIM);
    return as(d.cert(), d.key()).build();
  }

  @Override
  public void close() {
    service.close();
    broker.close();
  }
}
