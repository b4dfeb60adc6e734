package dev.mqttls.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.bridge.BridgeTopic.Direction;
import dev.mqttls.codec.Qos;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.Directive;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The topic line and its remapping, against mosquitto.conf(5)'s table and examples. */
class BridgeTopicTest {
  private static final Path FILE = Path.of("/etc/mqttls/mqttls.conf");

  private static BridgeTopic topic(String value) throws ConfException {
    return BridgeTopic.parse(Directive.at(FILE, 7, "topic", value));
  }

  /** mosquitto.conf(5): "Full Local Topic" and "Full Remote Topic" for each valid row. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "pattern L/ R/     | L/pattern | R/pattern",
        "pattern L/ \"\"   | L/pattern | pattern",
        "pattern \"\" R/   | pattern   | R/pattern",
        "pattern \"\" \"\" | pattern   | pattern",
        "\"\" local remote | local     | remote",
      })
  void manPageTable_validRows(String line, String fullLocal, String fullRemote) throws Exception {
    String[] w = line.trim().split(" +");
    BridgeTopic t = topic(w[0] + " both 0 " + w[1] + " " + w[2]);
    assertThat(t.localFilter()).isEqualTo(fullLocal.trim());
    assertThat(t.remoteFilter()).isEqualTo(fullRemote.trim());
    // a message on the full local topic arrives on the full remote one, and back
    assertThat(t.toRemote(fullLocal.trim())).contains(fullRemote.trim());
    assertThat(t.toLocal(fullRemote.trim())).contains(fullLocal.trim());
  }

  /** mosquitto.conf(5): the invalid rows ("" pattern without both prefixes). */
  @ParameterizedTest
  @CsvSource({"\"\" local \"\"", "\"\" \"\" remote", "\"\" \"\" \"\""})
  void manPageTable_invalidRows(String prefixes) {
    String[] w = prefixes.split(" ");
    assertThatThrownBy(() -> topic(w[0] + " out 0 " + w[1] + " " + w[2]))
        .isInstanceOf(ConfException.class)
        .hasMessageStartingWith("/etc/mqttls/mqttls.conf:7: topic: an empty pattern")
        .hasMessageContaining("needs both a local and a remote prefix");
  }

  @Test
  void manPage_remapTree_both() throws Exception {
    // topic # both 2 local/topic/ remote/topic/
    BridgeTopic t = topic("# both 2 local/topic/ remote/topic/");
    assertThat(t.direction()).isEqualTo(Direction.BOTH);
    assertThat(t.qos()).isEqualTo(Qos.EXACTLY_ONCE);
    assertThat(t.localFilter()).isEqualTo("local/topic/#");
    assertThat(t.remoteFilter()).isEqualTo("remote/topic/#");
    assertThat(t.toRemote("local/topic/a/b")).contains("remote/topic/a/b");
    assertThat(t.toLocal("remote/topic/x")).contains("local/topic/x");
    assertThat(t.toRemote("other/a")).isEmpty();
    assertThat(t.toLocal("local/topic/x")).isEmpty();
  }

  @Test
  void manPage_testMosquittoOrgExample_in() throws Exception {
    // topic clients/total in 0 test/mosquitto/org/ $SYS/broker/
    BridgeTopic t = topic("clients/total in 0 test/mosquitto/org/ $SYS/broker/");
    assertThat(t.remoteFilter()).isEqualTo("$SYS/broker/clients/total");
    assertThat(t.toLocal("$SYS/broker/clients/total")).contains("test/mosquitto/org/clients/total");
    // an in topic carries nothing out
    assertThat(t.toRemote("test/mosquitto/org/clients/total")).isEmpty();
  }

  @Test
  void defaults_outQos0NoPrefixes() throws Exception {
    BridgeTopic t = topic("sensors/#");
    assertThat(t).isEqualTo(new BridgeTopic("sensors/#", Direction.OUT, Qos.AT_MOST_ONCE, "", ""));
    assertThat(t.toRemote("sensors/a")).contains("sensors/a");
    assertThat(t.toLocal("sensors/a")).isEmpty();
    assertThat(topic("a/+ in").qos()).isEqualTo(Qos.AT_MOST_ONCE);
    assertThat(topic("a/+ in 1").toString()).isEqualTo("topic a/+ in 1 \"\" \"\"");
  }

  @Test
  void plusWildcardPatternWithPrefixes() throws Exception {
    BridgeTopic t = topic("+/temp out 1 site/ cloud/site-7/");
    assertThat(t.toRemote("site/room1/temp")).contains("cloud/site-7/room1/temp");
    assertThat(t.toRemote("site/room1/hum")).isEmpty();
  }

  @Test
  void singleTopicRemap_matchesOnlyThatTopic() throws Exception {
    BridgeTopic t = topic("\"\" out 1 local/status remote/status/gw-1");
    assertThat(t.toRemote("local/status")).contains("remote/status/gw-1");
    assertThat(t.toRemote("local/status/x")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a/# sideways 0      | direction must be in, out or both, got 'sideways'",
        "a/# in 3            | 3 is out of range 0..2",
        "a/# in one          | 'one' is not a whole number",
        "# out 0 local/topic remote/ | the full local topic 'local/topic#'",
        "a out 0 lo+cal/ r/  | local prefix 'lo+cal/' may not hold + or #",
        "a out 0 l/ r/# | remote prefix 'r/#' may not hold + or #",
        "a out 0 l/ r/ extra | takes at most 5 values",
      })
  void refusals_nameTheLineAndTheCause(String value, String message) {
    assertThatThrownBy(() -> topic(value.trim()))
        .isInstanceOf(ConfException.class)
        .hasMessageStartingWith("/etc/mqttls/mqttls.conf:7: topic: ")
        .hasMessageContaining(message.trim());
  }

  @Test
  void firstMatchingSideOnly_andEmptyResultDropped() throws Exception {
    // stripping the whole topic leaves nothing to publish to
    BridgeTopic t = topic("# out 0 a/ \"\"");
    assertThat(t.toRemote("a/")).isEqualTo(Optional.empty());
    assertThat(t.toRemote("a/b")).contains("b");
  }
}
