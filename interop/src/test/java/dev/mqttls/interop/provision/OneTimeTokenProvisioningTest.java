package dev.mqttls.interop.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.DeviceCredentials;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.Provisioning;
import dev.mqttls.client.ProvisioningException;
import dev.mqttls.client.ProvisioningRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that holds no certificate at all, only a one-time token: it connects with the claim
 * identity as its user name and its token in the request; each token works once, also for another
 * id, and the broker keeps no token in its log or its record of used tokens.
 */
class OneTimeTokenProvisioningTest {
  @TempDir Path dir;

  @Test
  void aOneTimeToken_worksOnce() throws Exception {
    Path tokens =
        Files.writeString(dir.resolve("tokens.txt"), "# made at the factory\ntok-AAA1\ntok-BBB2\n");
    try (ProvisioningFleet fleet =
        new ProvisioningFleet(dir, "provision_token_file " + tokens, "listener 0 127.0.0.1")) {
      long mark = fleet.broker.log().mark();
      // The second listener: plain MQTT on loopback, the claim identity as user name.
      MqttClientConfig claimByName =
          MqttClientConfig.builder("127.0.0.1")
              .port(fleet.broker.broker().address(1).getPort())
              .username(ProvisioningFleet.CLAIM)
              .build();

      DeviceCredentials first =
          Provisioning.provision(
              claimByName, ProvisioningRequest.of("dev-1").withToken("tok-AAA1"));
      assertThat(first.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=dev-1");

      ProvisioningException again =
          catchThrowableOfType(
              ProvisioningException.class,
              () ->
                  Provisioning.provision(
                      claimByName, ProvisioningRequest.of("dev-2").withToken("tok-AAA1")));
      assertThat(again).isNotNull();
      assertThat(again.code()).isEqualTo("token-invalid");
      ProvisioningException none =
          catchThrowableOfType(
              ProvisioningException.class,
              () -> Provisioning.provision(claimByName, ProvisioningRequest.of("dev-2")));
      assertThat(none).isNotNull();
      assertThat(none.code()).isEqualTo("token-required");
      assertThat(fleet.pki.ca().find("dev-2")).isEmpty();

      DeviceCredentials second =
          Provisioning.provision(
              claimByName, ProvisioningRequest.of("dev-2").withToken("tok-BBB2"));
      assertThat(second.certificate().getSerialNumber())
          .isNotEqualTo(first.certificate().getSerialNumber());

      String used = Files.readString(dir.resolve("tokens.txt.used"));
      assertThat(used.lines()).hasSize(2);
      assertThat(used).doesNotContain("tok-");
      assertThat(fleet.broker.log().linesSince(mark)).noneMatch(l -> l.contains("tok-"));
    }
  }
}
