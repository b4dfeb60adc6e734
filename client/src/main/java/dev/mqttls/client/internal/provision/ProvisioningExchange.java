package dev.mqttls.client.internal.provision;

import dev.mqttls.client.DeviceCredentials;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.ProvisioningException;
import dev.mqttls.client.ProvisioningRequest;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.SubscribeResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One provisioning or renewal exchange (docs/provisioning.md): make a key and a CSR, connect with
 * the device id as client id, subscribe to the two answer topics, publish the request, wait for the
 * certificate or the refusal, check that the certificate is for this key and id, disconnect.
 */
public final class ProvisioningExchange {
  private ProvisioningExchange() {}

  /** Runs the exchange; {@code renew} picks the renewal topics. */
  public static DeviceCredentials run(
      MqttClientConfig connection, ProvisioningRequest request, boolean renew) {
    String id = request.deviceId();
    String tree = renew ? "$mqttls/renew/" : "$mqttls/provision/";
    String certificateTopic = tree + "certificate/" + id;
    String refusedTopic = tree + "refused/" + id;
    String requestTopic = renew ? tree + "csr/" + id : tree + "csr";
    KeyPair keys = DeviceKeys.generate(request.keyType());
    String payload = json(id, DeviceKeys.csrPem(id, keys), request.token().orElse(null));
    MqttClientConfig config =
        connection.toBuilder().clientId(id).cleanStart(true).reconnect(ReconnectPolicy.OFF).build();
    CompletableFuture<Message> answer = new CompletableFuture<>();
    try (MqttClient client = MqttClient.create(config)) {
      client.blocking().connect();
      for (String topic : new String[] {certificateTopic, refusedTopic}) {
        SubscribeResult s =
            client
                .blocking()
                .subscribe(Subscription.of(topic, Qos.AT_LEAST_ONCE), answer::complete);
        if (s.reasonCodes().get(0).isError()) {
          throw new MqttClientException(
              FailureKind.REFUSED,
              "the broker refused the subscription to "
                  + topic
                  + " ("
                  + s.reasonCodes().get(0)
                  + "): "
                  + (renew
                      ? "renewal needs the device's own certificate (user name = device id)"
                      : "provisioning needs a claim identity, and the client id must be the device"
                          + " id"),
              null);
        }
      }
      client
          .blocking()
          .publish(
              Message.builder(requestTopic)
                  .payload(payload.getBytes(StandardCharsets.UTF_8))
                  .qos(Qos.AT_LEAST_ONCE)
                  .build());
      Message m;
      try {
        m = answer.get(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new MqttClientException(
            FailureKind.TIMEOUT,
            "no answer on "
                + tree
                + "... within "
                + request.timeout().toSeconds()
                + " s: does this broker provision (provision_ca_dir), and may this identity ask"
                + " (MQTT 3.1.1 drops a refused publish silently)?",
            e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("the answer future never fails", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MqttClientException(FailureKind.CLOSED, "interrupted waiting for the answer", e);
      }
      client.blocking().disconnect();
      String text = m.payloadAsString();
      if (m.topic().equals(refusedTopic)) {
        int colon = text.indexOf(": ");
        throw colon > 0
            ? new ProvisioningException(text.substring(0, colon), text.substring(colon + 2))
            : new ProvisioningException("refused", text);
      }
      DeviceCredentials creds;
      try {
        creds = new DeviceCredentials(id, text, DeviceKeys.privateKeyPem(keys));
      } catch (IllegalArgumentException e) {
        throw new MqttClientException(
            FailureKind.PROTOCOL, "the answer on " + m.topic() + " is not a certificate", e);
      }
      if (!DeviceKeys.same(creds.certificate().getPublicKey(), keys.getPublic())) {
        throw new MqttClientException(
            FailureKind.PROTOCOL,
            "the certificate on " + m.topic() + " is not for the key this device made",
            null);
      }
      return creds;
    }
  }

  /** The JSON request; the values need only quote, backslash and control escapes. */
  static String json(String id, String csrPem, String token) {
    StringBuilder b = new StringBuilder("{\"id\":");
    quote(b, id);
    b.append(",\"csr\":");
    quote(b, csrPem);
    if (token != null) {
      b.append(",\"token\":");
      quote(b, token);
    }
    return b.append('}').toString();
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c < 0x20) {
        b.append("\\u00")
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 15, 16));
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }
}
