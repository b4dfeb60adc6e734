package dev.mqttls.interop.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.CredentialType;
import dev.mqttls.client.DeviceCredentials;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.ProvisionResult;
import dev.mqttls.client.Provisioning;
import dev.mqttls.client.ProvisioningException;
import dev.mqttls.client.ProvisioningRequest;
import dev.mqttls.client.SubscribeResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.pki.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provisioning over MQTT with our client library against our broker and its provisioning service
 * (docs/provisioning.md): a claim certificate gets a device its own certificate, which then works
 * as its identity; the claim identity can do nothing else; the policy refuses with a reason code;
 * renewal works for a device's own id only; nobody but the service can answer on the provisioning
 * topics.
 */
class ProvisioningOverMqttTest {
  @TempDir static Path dir;
  static ProvisioningFleet fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet =
        new ProvisioningFleet(
            dir, "provision_id_pattern (sensor|dev|renew)-[0-9]+", "provision_days 30");
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static <T extends Throwable> T caught(ThrowingCallable call, Class<T> type) {
    return catchThrowableOfType(type, call);
  }

  private static MqttClient connected(MqttClientConfig config) {
    MqttClient c = MqttClient.create(config);
    c.blocking().connect();
    return c;
  }

  @Test
  void claimCertificate_provisionsADevice_thatThenPublishesUnderItsOwnIdentity() throws Exception {
    long mark = fleet.broker.log().mark();
    DeviceCredentials creds =
        Provisioning.provision(fleet.claim(), ProvisioningRequest.of("sensor-1"));

    assertThat(creds.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=sensor-1");
    assertThat(creds.certificate().getIssuerX500Principal())
        .isEqualTo(fleet.pki.ca().certificate().getSubjectX500Principal());
    creds.certificate().verify(fleet.pki.ca().certificate().getPublicKey());
    // provision_days 30
    assertThat(Duration.between(Instant(), creds.notAfter()).toDays()).isBetween(29L, 30L);
    IssuedCertificate entry = fleet.pki.ca().find("sensor-1").orElseThrow();
    assertThat(entry.serial()).isEqualTo(creds.certificate().getSerialNumber());
    assertThat(entry.keyFile()).as("the key stayed on the device").isEmpty();
    assertThat(Files.readString(fleet.pki.ca().directory().resolve("index.txt")))
        .contains("sensor-1\tdevice\t" + entry.serialHex());

    Path cert = dir.resolve("sensor-1.crt");
    Path key = dir.resolve("sensor-1.key");
    creds.writeFiles(cert, key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    Map<CredentialType, ProvisionResult> stored =
        creds.store(CredentialStore.open(dir.resolve("store")), 7);
    assertThat(stored.values()).containsOnly(ProvisionResult.CREATED);

    try (MqttClient device = connected(fleet.as(cert, key).clientId("sensor-1").build())) {
      List<Message> got = new java.util.concurrent.CopyOnWriteArrayList<>();
      device
          .blocking()
          .subscribe(Subscription.of("sensors/sensor-1/#", Qos.AT_LEAST_ONCE), got::add);
      device
          .blocking()
          .publish(
              Message.builder("sensors/sensor-1/temp")
                  .payload("21.5")
                  .qos(Qos.AT_LEAST_ONCE)
                  .build());
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (got.isEmpty() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      assertThat(got).extracting(Message::payloadAsString).containsExactly("21.5");
    }
    String line =
        fleet
            .broker
            .log()
            .assertLogged(mark, Duration.ofSeconds(5), "provisioning: issued sensor-1");
    assertThat(line).contains(entry.serialHex());
    assertThat(fleet.broker.log().linesSince(mark))
        .noneMatch(l -> l.contains("BEGIN") || l.contains("PRIVATE"));
  }

  private static java.time.Instant Instant() {
    return java.time.Instant.now();
  }

  @Test
  void claimIdentity_canDoNothingElse_andNoClientCanAnswerInTheServicesPlace() {
    try (MqttClient claim = connected(fleet.claim().toBuilder().clientId("sensor-90").build())) {
      MqttClientException e =
          caught(
              () ->
                  claim
                      .blocking()
                      .publish(
                          Message.builder("sensors/sensor-90/temp")
                              .payload("1")
                              .qos(Qos.AT_LEAST_ONCE)
                              .build()),
              MqttClientException.class);
      assertThat(e).as("publish elsewhere").isNotNull();
      assertThat(e.reasonCode()).contains(ReasonCode.NOT_AUTHORIZED);
      MqttClientException forged =
          caught(
              () ->
                  claim
                      .blocking()
                      .publish(
                          Message.builder("$mqttls/provision/certificate/sensor-1")
                              .payload("-----BEGIN CERTIFICATE-----")
                              .qos(Qos.AT_LEAST_ONCE)
                              .build()),
              MqttClientException.class);
      assertThat(forged).isNotNull();
      assertThat(forged.reasonCode()).contains(ReasonCode.NOT_AUTHORIZED);
      for (String filter :
          List.of("#", "sensors/#", "$mqttls/provision/certificate/sensor-1", "$mqttls/#")) {
        MqttClientException refused =
            caught(
                () -> claim.blocking().subscribe(Subscription.of(filter, Qos.AT_MOST_ONCE)),
                MqttClientException.class);
        assertThat(refused).as(filter).isNotNull();
        assertThat(refused.getMessage()).as(filter).contains("0x87 not authorized");
      }
      SubscribeResult own =
          claim
              .blocking()
              .subscribe(
                  Subscription.of("$mqttls/provision/certificate/sensor-90", Qos.AT_LEAST_ONCE));
      assertThat(own.reasonCodes().get(0).isError()).isFalse();
    }
    // An ordinary device may not forge an answer or ask for another device's renewal either.
    var other = fleet.pki.device("dev-50");
    try (MqttClient device = connected(fleet.as(other.cert(), other.key()).build())) {
      for (String topic :
          List.of("$mqttls/provision/certificate/dev-51", "$mqttls/renew/csr/dev-51")) {
        MqttClientException e =
            caught(
                () ->
                    device
                        .blocking()
                        .publish(
                            Message.builder(topic).payload("x").qos(Qos.AT_LEAST_ONCE).build()),
                MqttClientException.class);
        assertThat(e).as(topic).isNotNull();
        assertThat(e.reasonCode()).as(topic).contains(ReasonCode.NOT_AUTHORIZED);
      }
    }
  }

  @Test
  void anIdOutsideThePolicy_isRefusedWithAReason_andNothingIsIssued() {
    long mark = fleet.broker.log().mark();
    ProvisioningException e =
        caught(
            () -> Provisioning.provision(fleet.claim(), ProvisioningRequest.of("intruder-1")),
            ProvisioningException.class);
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo("id-pattern");
    assertThat(e.getMessage()).contains("pattern").doesNotContain("sensor|dev");
    assertThat(fleet.pki.ca().find("intruder-1")).isEmpty();
    fleet
        .broker
        .log()
        .assertLogged(mark, Duration.ofSeconds(5), "refused 'intruder-1': id-pattern");

    fleet.pki.device("dev-7");
    ProvisioningException taken =
        caught(
            () -> Provisioning.provision(fleet.claim(), ProvisioningRequest.of("dev-7")),
            ProvisioningException.class);
    assertThat(taken).isNotNull();
    assertThat(taken.code()).isEqualTo("id-taken");
  }

  @Test
  void renewal_overMqtt_givesTheSameIdANewCertificate_forItsOwnIdOnly() throws Exception {
    DeviceCredentials first =
        Provisioning.provision(fleet.claim(), ProvisioningRequest.of("renew-1"));
    Path cert = dir.resolve("renew-1.crt");
    Path key = dir.resolve("renew-1.key");
    first.writeFiles(cert, key);

    DeviceCredentials second =
        Provisioning.renew(fleet.as(cert, key).build(), ProvisioningRequest.of("renew-1"));
    assertThat(second.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=renew-1");
    assertThat(second.certificate().getSerialNumber())
        .isNotEqualTo(first.certificate().getSerialNumber());
    assertThat(second.certificate().getPublicKey())
        .isNotEqualTo(first.certificate().getPublicKey());
    assertThat(fleet.pki.ca().find("renew-1").orElseThrow().serial())
        .isEqualTo(second.certificate().getSerialNumber());
    assertThat(
            fleet
                .pki
                .ca()
                .directory()
                .resolve(
                    "certs/history/renew-1."
                        + first.certificate().getSerialNumber().toString(16)
                        + ".crt"))
        .exists();
    second.writeFiles(cert, key);
    try (MqttClient renewed = connected(fleet.as(cert, key).build())) {
      assertThat(renewed.state().toString()).isEqualTo("CONNECTED");
    }

    // Its own id only: the broker refuses the subscription to another id's renewal answer.
    MqttClientException other =
        caught(
            () ->
                Provisioning.renew(fleet.as(cert, key).build(), ProvisioningRequest.of("sensor-1")),
            MqttClientException.class);
    assertThat(other).isNotNull().isNotInstanceOf(ProvisioningException.class);
    assertThat(other.getMessage()).contains("refused the subscription");

    // A claim identity cannot renew, and an id never issued is not renewable.
    assertThat(
            caught(
                () -> Provisioning.renew(fleet.claim(), ProvisioningRequest.of("renew-1")),
                MqttClientException.class))
        .isNotNull();
    var stranger = fleet.pki.device("dev-60");
    fleet.pki.revoke("dev-60");
    ProvisioningException revoked =
        caught(
            () ->
                Provisioning.renew(
                    fleet.as(stranger.cert(), stranger.key()).build(),
                    ProvisioningRequest.of("dev-60")),
            ProvisioningException.class);
    assertThat(revoked).isNotNull();
    assertThat(revoked.code()).isEqualTo("not-renewable");
    assertThat(Optional.of(revoked.getMessage())).isPresent();
    assertThat(new String(Files.readAllBytes(cert), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN CERTIFICATE-----");
  }
}
