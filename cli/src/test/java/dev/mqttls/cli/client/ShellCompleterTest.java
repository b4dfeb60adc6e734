package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;

/** The shell's tab completion, given lines as JLine's parser splits them at the cursor. */
class ShellCompleterTest {
  private final ShellCompleter completer =
      new ShellCompleter(() -> Set.of("room/#", "room/lamp", "room/door"));

  private List<String> complete(String lineUpToCursor) {
    List<Candidate> out = new ArrayList<>();
    completer.complete(
        null, new DefaultParser().parse(lineUpToCursor, lineUpToCursor.length()), out);
    return out.stream().map(Candidate::value).sorted().toList();
  }

  @Test
  void firstWord_completesCommandNames() {
    assertThat(complete(""))
        .containsExactlyElementsOf(ShellCompleter.COMMANDS.stream().sorted().toList());
    assertThat(complete("sub")).contains("subscribe");
  }

  @Test
  void anArgument_neverGetsACommandName() {
    assertThat(complete("connect ")).isEmpty();
    assertThat(complete("status ")).isEmpty();
    assertThat(complete("publish room/lamp ")).isEmpty();
    assertThat(complete("unsubscribe room/# ")).isEmpty();
  }

  @Test
  void topics_comeFromSubscriptionsAndTopicsSeen_filtersOnlyWhereAFilterFits() {
    assertThat(complete("subscribe ")).containsExactly("room/#", "room/door", "room/lamp");
    assertThat(complete("unsub ")).containsExactly("room/#", "room/door", "room/lamp");
    // a publish needs a topic name: no wildcards
    assertThat(complete("publish ")).containsExactly("room/door", "room/lamp");
    assertThat(complete("publish -q 1 -r ")).containsExactly("room/door", "room/lamp");
    assertThat(complete("subscribe -q ")).containsExactly("0", "1", "2");
    assertThat(complete("subscribe -q 2 ")).containsExactly("room/#", "room/door", "room/lamp");
  }

  @Test
  void flags_completeWhereTheCommandTakesThem() {
    assertThat(complete("publish -")).containsExactly("-q", "-r");
    assertThat(complete("connect mqtts://h -")).contains("--cafile", "--cert", "--key");
  }
}
