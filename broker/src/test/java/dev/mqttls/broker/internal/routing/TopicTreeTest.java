package dev.mqttls.broker.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicTreeTest {
  private final TopicTree tree = new TopicTree();

  private static ClientSubscription sub(String client, String filter) {
    return new ClientSubscription(client, filter, null, 1, false, false, 0, 0);
  }

  private static ClientSubscription shared(String client, String group, String filter) {
    return new ClientSubscription(client, filter, group, 1, false, false, 0, 0);
  }

  private List<String> match(String topic) {
    List<ClientSubscription> out = new ArrayList<>();
    tree.match(topic, id -> true, out);
    return out.stream().map(s -> s.clientId() + ":" + s.fullFilter()).sorted().toList();
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "a/b/c, a/b/c, true",
    "a/+/c, a/b/c, true",
    "a/+/c, a/b/d, false",
    "a/#, a, true",
    "a/#, a/b/c, true",
    "#, a/b, true",
    "+, a, true",
    "+, a/b, false",
    "+/+, /a, true",
    "a//b, a//b, true",
    "a/+/b, a//b, true",
    "#, $SYS/x, false",
    "+/x, $SYS/x, false",
    "$SYS/#, $SYS/x, true",
    "a/b, a/b/c, false",
    "a/b/#, a/b, true",
  })
  void trieAgreesWithTheSpecRules(String filter, String topic, boolean expected) {
    tree.subscribe(sub("c", filter));
    assertThat(!match(topic).isEmpty()).isEqualTo(expected);
    assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
  }

  @Test
  void overlappingSubscriptions_allReturned() {
    tree.subscribe(sub("c1", "a/#"));
    tree.subscribe(sub("c1", "a/b"));
    tree.subscribe(sub("c2", "+/b"));
    tree.subscribe(sub("c3", "x/y"));
    assertThat(match("a/b")).containsExactly("c1:a/#", "c1:a/b", "c2:+/b");
  }

  @Test
  void resubscribe_replaces_andReportsExisting() {
    assertThat(tree.subscribe(sub("c", "a/b"))).isFalse();
    assertThat(tree.subscribe(sub("c", "a/b"))).isTrue();
    assertThat(match("a/b")).hasSize(1);
  }

  @Test
  void unsubscribe_removesAndPrunes() {
    tree.subscribe(sub("c", "a/b/c/d"));
    assertThat(tree.unsubscribe("c", "a/b/c/d", null)).isTrue();
    assertThat(tree.unsubscribe("c", "a/b/c/d", null)).isFalse();
    assertThat(match("a/b/c/d")).isEmpty();
  }

  @Test
  void sharedGroup_oneMemberPerMessage_roundRobin() {
    tree.subscribe(shared("m1", "g", "s/+"));
    tree.subscribe(shared("m2", "g", "s/+"));
    tree.subscribe(shared("o1", "h", "s/+"));
    tree.subscribe(sub("plain", "s/#"));
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      List<String> m = match("s/x");
      assertThat(m).hasSize(3).contains("plain:s/#", "o1:$share/h/s/+");
      picks.add(m.stream().filter(s -> s.contains("$share/g")).findFirst().orElseThrow());
    }
    assertThat(picks).contains("m1:$share/g/s/+", "m2:$share/g/s/+");
  }

  @Test
  void sharedGroup_prefersEligibleMembers() {
    tree.subscribe(shared("offline", "g", "t"));
    tree.subscribe(shared("online", "g", "t"));
    for (int i = 0; i < 5; i++) {
      List<ClientSubscription> out = new ArrayList<>();
      tree.match("t", id -> id.equals("online"), out);
      assertThat(out).extracting(ClientSubscription::clientId).containsExactly("online");
    }
  }

  @Test
  void manySubscriptions_matchVisitsOnlyRelevantBranches() {
    for (int i = 0; i < 10_000; i++) {
      tree.subscribe(sub("dev-" + i, "fleet/dev-" + i + "/cmd"));
    }
    assertThat(match("fleet/dev-42/cmd")).containsExactly("dev-42:fleet/dev-42/cmd");
  }
}
