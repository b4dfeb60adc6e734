package dev.mqttls.cli.provision;

import dev.mqttls.broker.Broker;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.conf.ConfException;
import dev.mqttls.pki.PkiException;
import dev.mqttls.provision.ProvisioningConfig;
import dev.mqttls.provision.ProvisioningService;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts the provisioning service beside {@code mqttls broker} when its configuration file has
 * {@code provision_ca_dir}: the broker depends on neither pki nor the client library, so the
 * command that runs it starts the service.
 */
public final class ProvisioningLauncher {
  private ProvisioningLauncher() {}

  /**
   * The service for {@code broker}, or a no-op when its file does not provision.
   *
   * @throws IllegalStateException with a one-line message when the provisioning directives are
   *     wrong or the CA cannot be opened
   */
  public static AutoCloseable start(Broker broker) {
    Optional<Path> file = broker.config().source();
    if (file.isEmpty()) {
      return () -> {};
    }
    try {
      Optional<ProvisioningConfig> config = ProvisioningConfig.read(file.get());
      if (config.isEmpty()) {
        return () -> {};
      }
      return ProvisioningService.start(broker, config.get());
    } catch (ConfException | PkiException | MqttClientException e) {
      throw new IllegalStateException("provisioning: " + e.getMessage(), e);
    }
  }
}
