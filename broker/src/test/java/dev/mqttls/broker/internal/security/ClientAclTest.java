package dev.mqttls.broker.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.internal.routing.Topics;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAclTest {
  private static final Path FILE = Path.of("/etc/mqttls/acl");

  private static final String ACL =
      """
      # anonymous clients
      topic read public/#
      topic write public/in

      user alice
      topic readwrite alice/#
      topic deny alice/secret
      topic read sensors/+/temp
      topic $SYS/broker/#

      user bob
      topic write bob/out

      pattern readwrite devices/%c/#
      pattern read users/%u/inbox
      pattern deny devices/%c/locked
      """;

  private static ClientAcl acl(String user, String clientId) throws ConfigException {
    return ClientAcl.of(AclFile.parse(ACL, FILE), user, clientId);
  }

  private static String[] l(String topic) {
    return Topics.levels(topic);
  }

  @Test
  void anonymousBlock_appliesToClientsWithoutUserName() throws Exception {
    ClientAcl a = acl(null, "anon1");
    assertThat(a.canRead(l("public/news"))).isTrue();
    assertThat(a.canRead(l("public"))).isTrue(); // '#' matches its parent level too
    assertThat(a.canWrite(l("public/news"))).isFalse();
    assertThat(a.canWrite(l("public/in"))).isTrue();
    assertThat(a.canRead(l("alice/x"))).isFalse();
    // %u patterns need a user name; %c patterns apply to anonymous clients too
    assertThat(a.canRead(l("users/null/inbox"))).isFalse();
    assertThat(a.canWrite(l("devices/anon1/state"))).isTrue();
  }

  @Test
  void userBlock_grantsItsTopics_andDenyWinsOverAnEarlierGrant() throws Exception {
    ClientAcl a = acl("alice", "a1");
    assertThat(a.canWrite(l("alice/x/y"))).isTrue();
    assertThat(a.canRead(l("alice/secret"))).isFalse();
    assertThat(a.canWrite(l("alice/secret"))).isFalse();
    assertThat(a.canRead(l("alice/secret/deeper"))).isTrue();
    assertThat(a.canRead(l("sensors/kitchen/temp"))).isTrue();
    assertThat(a.canRead(l("sensors/kitchen/humidity"))).isFalse();
    assertThat(a.canRead(l("sensors/a/b/temp"))).isFalse();
    assertThat(a.canWrite(l("sensors/kitchen/temp"))).isFalse();
    // the anonymous block is not the user's
    assertThat(a.canRead(l("public/news"))).isFalse();
    // other users' blocks are not hers
    assertThat(a.canWrite(l("bob/out"))).isFalse();
  }

  @Test
  void dollarTopics_matchOnlyRulesStartingWithDollar() throws Exception {
    ClientAcl a = ClientAcl.of(AclFile.parse("topic #\n", FILE), null, "c");
    assertThat(a.canRead(l("any/thing"))).isTrue();
    assertThat(a.canRead(l("$SYS/broker/uptime"))).isFalse();
    assertThat(acl("alice", "a1").canRead(l("$SYS/broker/uptime"))).isTrue();
  }

  @Test
  void patterns_substituteClientIdAndUserName_asWholeLevels() throws Exception {
    ClientAcl bob = acl("bob", "dev-7");
    assertThat(bob.canWrite(l("devices/dev-7/state"))).isTrue();
    assertThat(bob.canWrite(l("devices/dev-8/state"))).isFalse();
    assertThat(bob.canRead(l("users/bob/inbox"))).isTrue();
    assertThat(bob.canWrite(l("users/bob/inbox"))).isFalse();
    assertThat(bob.canRead(l("users/alice/inbox"))).isFalse();
    assertThat(bob.canWrite(l("devices/dev-7/locked"))).isFalse();
    assertThat(bob.canWrite(l("bob/out"))).isTrue();
  }

  @Test
  void wildcardsInClientIdOrUserName_getNoPatternRules() throws Exception {
    assertThat(acl("bob", "+").canWrite(l("devices/x/state"))).isFalse();
    assertThat(acl("bob", "+").canWrite(l("devices/+/state"))).isFalse();
    assertThat(acl("#", "c").canRead(l("users/x/inbox"))).isFalse();
    // the user's own block still applies
    assertThat(acl("bob", "#").canWrite(l("bob/out"))).isTrue();
  }

  @Test
  void userWithoutBlock_getsPatternsOnly() throws Exception {
    ClientAcl z = acl("zoe", "z1");
    assertThat(z.canRead(l("users/zoe/inbox"))).isTrue();
    assertThat(z.canRead(l("public/news"))).isFalse();
  }

  @Test
  void subscribe_allowedWhenAReadRuleCoversTheWholeFilter() throws Exception {
    ClientAcl a = acl("alice", "a1");
    assertThat(a.canSubscribe(l("alice/#"))).isTrue();
    assertThat(a.canSubscribe(l("alice/+/x"))).isTrue();
    assertThat(a.canSubscribe(l("sensors/+/temp"))).isTrue();
    assertThat(a.canSubscribe(l("sensors/kitchen/temp"))).isTrue();
    assertThat(a.canSubscribe(l("sensors/#"))).isFalse();
    assertThat(a.canSubscribe(l("#"))).isFalse();
    assertThat(a.canSubscribe(l("alice/secret"))).isFalse();
    assertThat(acl("bob", "b").canSubscribe(l("bob/out"))).isFalse(); // write-only
  }

  @Test
  void noRulesAtAll_deniesEverything_andNoFileAllowsEverything() throws Exception {
    ClientAcl none = ClientAcl.of(AclFile.parse("# empty\n", FILE), "u", "c");
    assertThat(none.canRead(l("a"))).isFalse();
    assertThat(none.canWrite(l("a"))).isFalse();
    assertThat(ClientAcl.ALLOW_ALL.canWrite(l("a"))).isTrue();
  }

  @Test
  void topicWithSpaces_andDefaultAccessIsReadwrite() throws Exception {
    ClientAcl a =
        ClientAcl.of(AclFile.parse("topic readwrite room 1/lights\ntopic x\n", FILE), null, "c");
    assertThat(a.canWrite(l("room 1/lights"))).isTrue();
    assertThat(a.canRead(l("x"))).isTrue();
    assertThat(a.canWrite(l("x"))).isTrue();
  }

  @Test
  void matches_followsMqttFilterRules() {
    assertThat(ClientAcl.matches(l("a/+/c"), l("a//c"))).isTrue();
    assertThat(ClientAcl.matches(l("+"), l("a/b"))).isFalse();
    assertThat(ClientAcl.matches(l("#"), l("a/b"))).isTrue();
    assertThat(ClientAcl.matches(l("a/b"), l("a/b/c"))).isFalse();
    assertThat(ClientAcl.matches(l("a/b/#"), l("a/b"))).isTrue();
    assertThat(ClientAcl.covers(l("a/+"), l("a/#"))).isFalse();
    assertThat(ClientAcl.covers(l("a/#"), l("a/+/b"))).isTrue();
    assertThat(ClientAcl.covers(l("a/+"), l("a/+"))).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "topic|topic: needs a topic",
        "topic readall x|unknown access 'readall'",
        "pattern write a/#/b|'#' must be the last level",
        "topic read a/b+|a wildcard must be a whole level",
        "user|user: needs a user name",
        "subscribe a/b|unknown keyword 'subscribe'",
      })
  void badLine_namesFileAndLine(String line, String message) {
    String text = "# header\ntopic read ok/#\n" + line + "\n";
    assertThatThrownBy(() -> AclFile.parse(text, FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(FILE + ":3: ")
        .hasMessageContaining(message);
  }
}
