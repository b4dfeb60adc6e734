package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.testing.EmbeddedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's in-process endpoint, which bridges, the $SYS publisher, provisioning and the
 * dashboard use: an in-process client without a user name is the broker itself (no ACL, {@code $}
 * topics included) although the broker refuses anonymous clients; one with a user name is judged by
 * that user's ACL without a password; and no socket client may call itself {@code $broker}.
 */
class InProcessEndpointTest {
  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private EmbeddedBroker broker() throws Exception {
    Path passwd =
        Files.writeString(
            dir.resolve("passwd"), UsernamePasswordOnOurBrokerTest.sixLine("alice", "pw") + "\n");
    Path acl =
        Files.writeString(
            dir.resolve("acl"), "user alice\ntopic readwrite alice/#\ntopic read $SYS/#\n");
    EmbeddedBroker b =
        new EmbeddedBroker(
                "allow_anonymous false",
                "password_file " + passwd,
                "acl_file " + acl,
                "listener 0 127.0.0.1")
            .start();
    toClose.add(b);
    return b;
  }

  private MqttClient connected(MqttClientConfig.Builder b) {
    MqttClient c = MqttClient.create(b.build());
    toClose.add(c);
    c.blocking().connect();
    return c;
  }

  private static MqttClientConfig.Builder inProcess(EmbeddedBroker b) {
    return MqttClientConfig.builder("in-process").inProcess(b.broker().inProcessAddress());
  }

  @Test
  void withoutUserName_itIsTheBroker_anyTopicDollarTopicsIncluded_andSocketClientsReceiveIt()
      throws Exception {
    EmbeddedBroker b = broker();
    MqttClient alice =
        connected(
            MqttClientConfig.builder("127.0.0.1")
                .port(b.port())
                .username("alice")
                .password("pw".toCharArray()));
    List<Message> got = new CopyOnWriteArrayList<>();
    alice.blocking().subscribe(Subscription.of("$SYS/broker/test", Qos.AT_LEAST_ONCE), got::add);

    MqttClient self = connected(inProcess(b));
    PublishResult r =
        self.blocking()
            .publish(
                Message.builder("$SYS/broker/test").payload("up").qos(Qos.AT_LEAST_ONCE).build());
    assertThat(r.reasonCode().isError()).as(r.toString()).isFalse();
    Await.until(
        "alice receives the broker's $SYS message", Duration.ofSeconds(10), () -> !got.isEmpty());
    assertThat(got.get(0).payloadAsString()).isEqualTo("up");
    // Not counted as a client connection (max_connections is about sockets).
    assertThat(b.broker().connectionCount()).isEqualTo(1);
  }

  @Test
  void withAUserName_theAclOfThatUserApplies_withoutAPassword() throws Exception {
    EmbeddedBroker b = broker();
    MqttClient asAlice = connected(inProcess(b).username("alice"));
    PublishResult ok =
        asAlice
            .blocking()
            .publish(Message.builder("alice/x").payload("1").qos(Qos.AT_LEAST_ONCE).build());
    assertThat(ok.reasonCode().isError()).as(ok.toString()).isFalse();
    MqttClientException denied =
        catchThrowableOfType(
            MqttClientException.class,
            () ->
                asAlice
                    .blocking()
                    .publish(Message.builder("bob/x").payload("1").qos(Qos.AT_LEAST_ONCE).build()));
    assertThat(denied).isNotNull();
    assertThat(denied.reasonCode()).contains(ReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void aSocketClient_cannotTakeOverTheSessionOfTheBrokersOwnClient() throws Exception {
    EmbeddedBroker b = new EmbeddedBroker("allow_anonymous true", "listener 0 127.0.0.1").start();
    toClose.add(b);
    MqttClient bridge =
        connected(
            MqttClientConfig.builder("bridge-local")
                .clientId("bridge-local")
                .inProcess(b.broker().inProcessAddress()));
    MqttClient thief =
        MqttClient.create(
            MqttClientConfig.builder("127.0.0.1").port(b.port()).clientId("bridge-local").build());
    toClose.add(thief);
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> thief.blocking().connect());
    assertThat(e).isNotNull();
    assertThat(e.reasonCode()).contains(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
    PublishResult still =
        bridge.blocking().publish(Message.builder("t").payload("x").qos(Qos.AT_LEAST_ONCE).build());
    assertThat(still.reasonCode().isError()).as(still.toString()).isFalse();
  }

  @Test
  void aSocketClientCallingItselfTheBroker_isRefused_evenWhereAnyUserNameIsAccepted()
      throws Exception {
    EmbeddedBroker b = new EmbeddedBroker("allow_anonymous true", "listener 0 127.0.0.1").start();
    toClose.add(b);
    MqttClient c =
        MqttClient.create(
            MqttClientConfig.builder("127.0.0.1").port(b.port()).username("$broker").build());
    toClose.add(c);
    MqttClientException e =
        catchThrowableOfType(MqttClientException.class, () -> c.blocking().connect());
    assertThat(e).isNotNull();
    assertThat(e.reasonCode()).contains(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(
            b.log()
                .await(
                    l -> l.contains("reserved for the broker's own in-process clients"),
                    Duration.ofSeconds(5)))
        .isPresent();
  }
}
