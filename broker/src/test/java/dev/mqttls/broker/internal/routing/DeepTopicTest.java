package dev.mqttls.broker.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.internal.time.ManualTicker;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The topic tree and the retained store walk topics without recursion: 100,000 levels, far beyond
 * what a recursive walk survives on a default thread stack (it failed at about 10,000 frames), are
 * matched, delivered and cleared.
 */
class DeepTopicTest {
  static final int LEVELS = 100_000;

  static String deep(String last) {
    StringBuilder b = new StringBuilder(LEVELS * 2);
    for (int i = 1; i < LEVELS; i++) {
      b.append("a/");
    }
    return b.append(last).toString();
  }

  static Message message(String topic) {
    Publish p =
        new Publish(
            false,
            Qos.AT_MOST_ONCE,
            true,
            topic,
            0,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
    return Message.of(p, "pub", null, 0);
  }

  @Test
  void topicTree_matchesAndUnsubscribes_aHundredThousandLevels() {
    TopicTree tree = new TopicTree();
    String topic = deep("z");
    String plusFilter = deep("+");
    tree.subscribe(new ClientSubscription("exact", topic, null, 1, false, false, 0, 0));
    tree.subscribe(new ClientSubscription("plus", plusFilter, null, 1, false, false, 0, 0));
    tree.subscribe(new ClientSubscription("all", "#", null, 1, false, false, 0, 0));
    tree.subscribe(new ClientSubscription("group", topic, "g", 1, false, false, 0, 0));

    List<ClientSubscription> out = new ArrayList<>();
    tree.match(topic, id -> true, out);
    assertThat(out)
        .extracting(ClientSubscription::clientId)
        .containsExactlyInAnyOrder("exact", "plus", "all", "group");

    assertThat(tree.unsubscribe("exact", topic, null)).isTrue();
    assertThat(tree.unsubscribe("plus", plusFilter, null)).isTrue();
    out.clear();
    tree.match(topic, id -> true, out);
    assertThat(out)
        .extracting(ClientSubscription::clientId)
        .containsExactlyInAnyOrder("all", "group");
  }

  @Test
  void retainedStore_servesHashAndDeepFilters_andClears() {
    InMemoryRetainedStore store = new InMemoryRetainedStore(new ManualTicker());
    String topic = deep("z");
    store.put(topic, message(topic));
    store.put("b", message("b"));

    List<String> all = new ArrayList<>();
    store.forEachMatching(
        "#",
        m -> {
          all.add(m.publish().topic().length() > 10 ? "deep" : m.publish().topic());
          m.release();
        });
    assertThat(all).containsExactlyInAnyOrder("deep", "b");

    List<String> plus = new ArrayList<>();
    store.forEachMatching(
        deep("+"),
        m -> {
          plus.add(m.publish().topic().equals(topic) ? "deep" : "other");
          m.release();
        });
    assertThat(plus).containsExactly("deep");

    store.clear();
    assertThat(store.size()).isZero();
  }
}
