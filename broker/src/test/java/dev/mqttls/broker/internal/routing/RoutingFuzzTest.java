package dev.mqttls.broker.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mqttls.broker.internal.time.ManualTicker;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Jazzer target for the topic tree and the retained store: a fuzzer-chosen sequence of subscribe,
 * unsubscribe, match, retain and retained-lookup operations on random filters and names (deep and
 * wide), checked against a plain map and a reference matcher written here. Filters and names are
 * valid by construction (the codec's value types refuse the rest before routing sees them); the
 * only refusal routing documents is {@link Topics#overLimit}, which must name the limit it counts.
 */
class RoutingFuzzTest {
  private static final String[] LEVELS = {"a", "b", "", "$SYS", "ü", "c d", "A", "1"};
  private static final int MAX_OPS = 200;

  /** MQTT 4.7 matching, written without looking at {@link Topics#matches}. */
  static boolean reference(String filter, String topic) {
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
      return false;
    }
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return i == f.length - 1 && i <= t.length; // "a/#" matches "a"
      }
      if (i == t.length || (!f[i].equals("+") && !f[i].equals(t[i]))) {
        return false;
      }
    }
    return f.length == t.length;
  }

  private static String levels(FuzzedDataProvider in, boolean filter) {
    StringBuilder b = new StringBuilder();
    int count = 1 + in.consumeInt(0, 7);
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        b.append('/');
      }
      int kind = in.consumeInt(0, LEVELS.length + 3);
      if (kind < LEVELS.length) {
        b.append(LEVELS[kind]);
      } else if (kind == LEVELS.length) {
        // Only what a valid topic may hold: no separators, wildcards, U+0000 or lone surrogates.
        in.consumeString(6)
            .chars()
            .filter(
                c -> c != '/' && c != '+' && c != '#' && c != 0 && !Character.isSurrogate((char) c))
            .forEach(c -> b.append((char) c));
      } else if (kind == LEVELS.length + 1) {
        int deep = in.consumeInt(1, 3000); // deep: a long run of one level
        b.append("a/".repeat(deep)).append('z');
      } else if (filter && kind == LEVELS.length + 2) {
        b.append('+');
      } else if (filter) {
        b.append('#');
        break; // '#' only last
      } else {
        b.append("n").append(i);
      }
    }
    return b.isEmpty() ? "e" : b.toString(); // MQTT: a name or filter has at least one character
  }

  private static Message message(String topic, boolean clear) {
    byte[] payload = clear ? new byte[0] : topic.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Publish p =
        new Publish(
            false,
            Qos.AT_MOST_ONCE,
            true,
            topic,
            0,
            MqttProperties.EMPTY,
            Unpooled.wrappedBuffer(payload));
    return Message.of(p, "fuzz", null, 0);
  }

  private record Key(String client, String filter, String group) {}

  @FuzzTest(maxDuration = "4m")
  void operations(FuzzedDataProvider in) {
    TopicTree tree = new TopicTree();
    InMemoryRetainedStore store = new InMemoryRetainedStore(new ManualTicker());
    Map<Key, ClientSubscription> subs = new HashMap<>();
    Set<String> retained = new HashSet<>();
    try {
      for (int op = 0; op < MAX_OPS && in.remainingBytes() > 0; op++) {
        switch (in.consumeInt(0, 5)) {
          case 0 -> {
            String client = "c" + in.consumeInt(0, 5);
            String filter = levels(in, true);
            String group = in.consumeBoolean() ? "g" + in.consumeInt(0, 2) : null;
            ClientSubscription s =
                new ClientSubscription(client, filter, group, 1, false, false, 0, 0);
            boolean had = subs.put(new Key(client, filter, group), s) != null;
            assertThat(tree.subscribe(s)).as("replaced %s", s).isEqualTo(had);
          }
          case 1 -> {
            Key k =
                subs.isEmpty() || in.consumeBoolean()
                    ? new Key("c" + in.consumeInt(0, 5), levels(in, true), null)
                    : new ArrayList<>(subs.keySet()).get(in.consumeInt(0, subs.size() - 1));
            boolean had = subs.remove(k) != null;
            assertThat(tree.unsubscribe(k.client(), k.filter(), k.group())).isEqualTo(had);
          }
          case 2 -> checkMatch(tree, subs, levels(in, false));
          case 3 -> {
            String topic = levels(in, false);
            boolean clear = in.consumeBoolean();
            store.put(topic, message(topic, clear));
            if (clear) {
              retained.remove(topic);
            } else {
              retained.add(topic);
            }
            assertThat(store.size()).isEqualTo(retained.size());
          }
          case 4 -> checkRetained(store, retained, levels(in, true));
          default -> {
            String t = levels(in, in.consumeBoolean());
            int maxLevels = in.consumeInt(1, 5000);
            int maxBytes = in.consumeInt(1, 70000);
            String why = Topics.overLimit(t, maxLevels, maxBytes);
            int count = t.split("/", -1).length;
            int bytes = t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertThat(Topics.levelCount(t)).isEqualTo(count);
            assertThat(Topics.utf8Length(t)).isEqualTo(bytes);
            assertThat(why == null).isEqualTo(count <= maxLevels && bytes <= maxBytes);
          }
        }
      }
    } finally {
      store.clear();
    }
  }

  private static void checkMatch(TopicTree tree, Map<Key, ClientSubscription> subs, String topic) {
    List<ClientSubscription> out = new ArrayList<>();
    tree.match(topic, id -> true, out);
    List<ClientSubscription> ordinary = new ArrayList<>();
    Map<String, Set<ClientSubscription>> groups = new TreeMap<>();
    for (ClientSubscription s : subs.values()) {
      boolean m = reference(s.filter(), topic);
      assertThat(Topics.matches(s.filter(), topic))
          .as("Topics.matches(%s, %s)", s.filter(), topic)
          .isEqualTo(m);
      if (!m) {
        continue;
      }
      if (s.shareGroup() == null) {
        ordinary.add(s);
      } else {
        groups.computeIfAbsent(s.shareGroup() + "\0" + s.filter(), g -> new HashSet<>()).add(s);
      }
    }
    List<ClientSubscription> rest = new ArrayList<>(out);
    for (ClientSubscription s : ordinary) {
      assertThat(rest.remove(s)).as("%s matched %s", s, topic).isTrue();
    }
    for (Set<ClientSubscription> members : groups.values()) {
      long picked = rest.stream().filter(members::contains).count();
      assertThat(picked).as("one member of %s for %s", members, topic).isEqualTo(1);
      rest.removeIf(members::contains);
    }
    assertThat(rest).as("extra matches for %s", topic).isEmpty();
  }

  private static void checkRetained(
      InMemoryRetainedStore store, Set<String> retained, String filter) {
    List<String> got = new ArrayList<>();
    store.forEachMatching(
        filter,
        m -> {
          got.add(m.publish().topic());
          m.release();
        });
    List<String> want = retained.stream().filter(t -> reference(filter, t)).sorted().toList();
    assertThat(got).as("retained for %s", filter).containsExactlyInAnyOrderElementsOf(want);
  }
}
