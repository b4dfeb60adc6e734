package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.TopicName;
import dev.mqttls.codec.Will;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** password_file and acl_file, over real loopback TCP, packet by packet. */
class AuthTest {
  @TempDir static Path dir;
  static Broker broker;
  static InetSocketAddress addr;
  static ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    log.start();
    ((Logger) LoggerFactory.getLogger("dev.mqttls")).addAppender(log);
    Path pw =
        Files.writeString(
            dir.resolve("passwd"),
            sixLine("alice", "right-pw") + "\n" + sixLine("bob", "bobs-pw") + "\n");
    Path acl =
        Files.writeString(
            dir.resolve("acl"),
            """
            user alice
            topic readwrite allowed/#
            topic read retained/#
            user bob
            topic readwrite allowed/#
            topic write retained/#
            pattern readwrite own/%u/%c
            """);
    broker =
        Broker.start(
            BrokerConfig.parse(
                "allow_anonymous false\npassword_file passwd\nacl_file acl\nlistener 0 127.0.0.1\n",
                dir.resolve("mqttls.conf")));
    addr = broker.address(0);
  }

  @AfterAll
  static void stop() {
    broker.close();
    ((Logger) LoggerFactory.getLogger("dev.mqttls")).detachAppender(log);
  }

  static String sixLine(String user, String password) throws Exception {
    byte[] salt = "salt-1234567".getBytes(StandardCharsets.UTF_8);
    MessageDigest d = MessageDigest.getInstance("SHA-512");
    d.update(password.getBytes(StandardCharsets.UTF_8));
    d.update(salt);
    Base64.Encoder e = Base64.getEncoder();
    return user + ":$6$" + e.encodeToString(salt) + "$" + e.encodeToString(d.digest());
  }

  private static Connect connect(MqttVersion v, String id, String user, String pw) {
    return new Connect(
        v,
        id,
        true,
        60,
        user,
        pw == null ? null : pw.getBytes(StandardCharsets.UTF_8),
        null,
        MqttProperties.EMPTY);
  }

  private static TestClient as(MqttVersion v, String id, String user, String pw) throws Exception {
    TestClient c = TestClient.open(addr, v);
    Connack ack = c.connect(connect(v, id, user, pw));
    assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    return c;
  }

  private static Connack refused(MqttVersion v, String id, String user, String pw)
      throws Exception {
    try (TestClient c = TestClient.open(addr, v)) {
      Connack ack = c.connect(connect(v, id, user, pw));
      c.awaitClose();
      return ack;
    }
  }

  @Test
  void rightPassword_isAccepted() throws Exception {
    try (TestClient c = as(MqttVersion.V5, "ok5", "alice", "right-pw")) {
      assertThat(c).isNotNull();
    }
    try (TestClient c = as(MqttVersion.V3_1_1, "ok3", "alice", "right-pw")) {
      assertThat(c).isNotNull();
    }
  }

  @Test
  void wrongPassword_isRefusedWithBadUserNameOrPassword_andLoggedWithoutThePassword()
      throws Exception {
    Connack v5 = refused(MqttVersion.V5, "wrong5", "alice", "Wr0ngSecret");
    assertThat(v5.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(v5.reasonCode().code()).isEqualTo(0x86);
    Connack v3 = refused(MqttVersion.V3_1_1, "wrong3", "alice", "Wr0ngSecret");
    assertThat(v3.reasonCode().v3ConnackCode()).isEqualTo(4);
    assertThat(refused(MqttVersion.V5, "nouser", "mallory", "x").reasonCode())
        .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(refused(MqttVersion.V5, "nopw", "alice", null).reasonCode())
        .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);

    List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("wrong5")
                    .contains("127.0.0.1")
                    .contains("wrong password for user 'alice'"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("nouser").contains("unknown user"));
    assertThat(lines).noneSatisfy(l -> assertThat(l).contains("Wr0ngSecret"));
  }

  @Test
  void loginRefusal_tellsTheClientNoUserNameNoPathNoDirective() throws Exception {
    // Issue 9: the CONNACK carries the reason code only; the details are for the broker log.
    for (Connack ack :
        List.of(
            refused(MqttVersion.V5, "leak1", "alice", "Wr0ngSecret"),
            refused(MqttVersion.V5, "leak2", "mallory", "x"),
            refused(MqttVersion.V5, "leak3", "alice", null),
            refused(MqttVersion.V5, "leak4", null, null))) {
      String told = ack.properties().reasonString();
      assertThat(told == null ? "" : told)
          .as("reason string told to an unauthenticated client")
          .doesNotContain("alice")
          .doesNotContain("mallory")
          .doesNotContain(dir.toString())
          .doesNotContain("passwd")
          .doesNotContain("password_file")
          .doesNotContain("allow_anonymous");
    }
  }

  @Test
  void noUserName_withAllowAnonymousFalse_isNotAuthorized() throws Exception {
    assertThat(refused(MqttVersion.V5, "anon5", null, null).reasonCode())
        .isEqualTo(ReasonCode.NOT_AUTHORIZED);
    assertThat(refused(MqttVersion.V3_1_1, "anon3", null, null).reasonCode().v3ConnackCode())
        .isEqualTo(5);
  }

  @Test
  void deniedPublish_v5_getsNotAuthorized_andIsNeverDelivered() throws Exception {
    try (TestClient sub = as(MqttVersion.V5, "dsub", "alice", "right-pw");
        TestClient pub = as(MqttVersion.V5, "dpub", "alice", "right-pw")) {
      sub.subscribe(1, "allowed/#", 1);
      // bob may read allowed/#, but alice may not write to denied: subscribe as bob to '#'
      pub.publish("denied/x", "secret", 1, 7, false);
      Puback ack = pub.expect(Puback.class);
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
      pub.publish("allowed/x", "fine", 1, 8, false);
      assertThat(pub.expect(Puback.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
      Publish got = sub.expect(Publish.class);
      assertThat(got.topic()).isEqualTo("allowed/x");
      got.release();
    }
  }

  @Test
  void deniedPublish_v311_isAcknowledgedButDropped() throws Exception {
    try (TestClient bob = as(MqttVersion.V5, "bobsub", "bob", "bobs-pw");
        TestClient pub = as(MqttVersion.V3_1_1, "dpub3", "alice", "right-pw")) {
      bob.subscribe(1, "allowed/#", 1);
      // alice may not write retained/#; bob may not read it: both sides of the ACL at once
      pub.publish("retained/r", "no", 1, 3, false);
      assertThat(pub.expect(Puback.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
      pub.publish("allowed/y", "yes", 0, 0, false);
      Publish got = bob.expect(Publish.class);
      assertThat(got.topic()).isEqualTo("allowed/y");
      got.release();
    }
  }

  @Test
  void deniedSubscribe_getsNotAuthorized_v5_and0x80_v311() throws Exception {
    try (TestClient c = as(MqttVersion.V5, "s5", "alice", "right-pw")) {
      assertThat(c.subscribe(1, "denied/#", 1).reasonCodes())
          .containsExactly(ReasonCode.NOT_AUTHORIZED);
      assertThat(c.subscribe(2, "allowed/+", 1).reasonCodes())
          .containsExactly(ReasonCode.GRANTED_QOS_1);
    }
    try (TestClient c = as(MqttVersion.V3_1_1, "s3", "alice", "right-pw")) {
      assertThat(c.subscribe(1, "#", 0).reasonCodes().get(0).v3SubackCode()).isEqualTo(0x80);
    }
  }

  @Test
  void deliveryAndRetained_needReadAccess() throws Exception {
    try (TestClient bob = as(MqttVersion.V5, "rbob", "bob", "bobs-pw")) {
      bob.publish("retained/r1", "kept", 1, 1, true);
      bob.expect(Puback.class);
    }
    try (TestClient alice = as(MqttVersion.V5, "ralice", "alice", "right-pw");
        TestClient bob = as(MqttVersion.V5, "rbob2", "bob", "bobs-pw")) {
      alice.subscribe(1, "retained/#", 1);
      Publish retained = alice.expect(Publish.class);
      assertThat(retained.topic()).isEqualTo("retained/r1");
      retained.release();
      // bob cannot read retained/#: subscribing is refused, so nothing retained arrives either
      assertThat(bob.subscribe(1, "retained/#", 1).reasonCodes())
          .containsExactly(ReasonCode.NOT_AUTHORIZED);
    }
  }

  @Test
  void patternWithUserAndClientId_grantsOnlyTheClientsOwnTopic() throws Exception {
    try (TestClient c = as(MqttVersion.V5, "dev1", "bob", "bobs-pw")) {
      c.publish("own/bob/dev1", "mine", 1, 1, false);
      assertThat(c.expect(Puback.class).reasonCode()).isNotEqualTo(ReasonCode.NOT_AUTHORIZED);
      c.publish("own/bob/dev2", "theirs", 1, 2, false);
      assertThat(c.expect(Puback.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    }
  }

  @Test
  void willToADeniedTopic_isRefusedAtConnect_namingTheTopicNeverTheAclFile() throws Exception {
    try (TestClient c = TestClient.open(addr, MqttVersion.V5)) {
      Will w = new Will(TopicName.of("denied/will"), new byte[] {1}, Qos.AT_MOST_ONCE, false, null);
      Connack ack =
          c.connect(
              new Connect(
                  MqttVersion.V5,
                  "will1",
                  true,
                  60,
                  "alice",
                  "right-pw".getBytes(StandardCharsets.UTF_8),
                  w,
                  MqttProperties.EMPTY));
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
      assertThat(ack.properties().reasonString()).contains("denied/will").doesNotContain("acl");
    }
  }

  @Test
  void reload_appliesNewFilesToNewAndConnectedClients_aBadFileChangesNothing() throws Exception {
    Path pw = Files.writeString(dir.resolve("reload-pw"), sixLine("rita", "old-pw") + "\n");
    Path acl = Files.writeString(dir.resolve("reload-acl"), "user rita\ntopic readwrite a/#\n");
    try (Broker b =
        Broker.start(
            BrokerConfig.parse(
                "password_file reload-pw\nacl_file reload-acl\nlistener 0 127.0.0.1\n",
                dir.resolve("reload.conf")))) {
      InetSocketAddress at = b.address(0);
      try (TestClient c = TestClient.open(at, MqttVersion.V5)) {
        assertThat(c.connect(connect(MqttVersion.V5, "rita1", "rita", "old-pw")).reasonCode())
            .isEqualTo(ReasonCode.SUCCESS);
        c.publish("b/x", "1", 1, 1, false);
        assertThat(c.expect(Puback.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);

        Files.writeString(pw, sixLine("rita", "new-pw") + "\n");
        Files.writeString(acl, "user rita\ntopic readwrite b/#\n");
        b.reloadAccessControl();

        // the connected client is judged by the new ACL from its next packet on
        c.publish("b/x", "2", 1, 2, false);
        assertThat(c.expect(Puback.class).reasonCode()).isNotEqualTo(ReasonCode.NOT_AUTHORIZED);
        c.publish("a/x", "3", 1, 3, false);
        assertThat(c.expect(Puback.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
      }
      try (TestClient c = TestClient.open(at, MqttVersion.V5)) {
        assertThat(c.connect(connect(MqttVersion.V5, "rita2", "rita", "old-pw")).reasonCode())
            .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
      }
      Files.writeString(pw, "broken\n");
      b.reloadAccessControl();
      assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage))
          .anySatisfy(l -> assertThat(l).contains("Reload refused").contains(pw + ":1: "));
      try (TestClient c = TestClient.open(at, MqttVersion.V5)) {
        assertThat(c.connect(connect(MqttVersion.V5, "rita3", "rita", "new-pw")).reasonCode())
            .isEqualTo(ReasonCode.SUCCESS);
      }
    }
  }

  @Test
  void badPasswordFileLine_stopsStartUp_namingFileAndLine() throws Exception {
    Path bad = Files.writeString(dir.resolve("badpw"), "# ok\nalice\n");
    assertThatThrownBy(
            () ->
                BrokerConfig.parse(
                    "password_file badpw\nlistener 0 127.0.0.1\n", dir.resolve("b.conf")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(bad + ":2: ");
    // A file that turns bad between parsing and start-up is caught at start-up too.
    Path later = Files.writeString(dir.resolve("laterpw"), sixLine("a", "b") + "\n");
    BrokerConfig c =
        BrokerConfig.parse("password_file laterpw\nlistener 0 127.0.0.1\n", dir.resolve("c.conf"));
    Files.writeString(later, "broken line\n");
    assertThatThrownBy(() -> Broker.start(c).close())
        .isInstanceOf(BrokerStartException.class)
        .hasMessageStartingWith(later + ":1: ");
  }
}
