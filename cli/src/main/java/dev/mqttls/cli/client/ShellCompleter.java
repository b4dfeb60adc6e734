package dev.mqttls.cli.client;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion for the shell: command names for the first word only; for the topic argument of
 * {@code publish}, {@code subscribe} and {@code unsubscribe}, the session's subscriptions and the
 * topics seen so far; the flags each command takes; nothing where nothing fits (never a command
 * name in an argument's place).
 */
final class ShellCompleter implements Completer {
  static final List<String> COMMANDS =
      List.of(
          "connect", "publish", "subscribe", "unsubscribe", "disconnect", "status", "help", "exit");

  private final Supplier<Collection<String>> topics;

  /** {@code topics} gives the subscriptions' filters and the topics seen, at completion time. */
  ShellCompleter(Supplier<Collection<String>> topics) {
    this.topics = topics;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    int index = line.wordIndex();
    List<String> words = line.words();
    if (index == 0) {
      for (String c : COMMANDS) {
        candidates.add(new Candidate(c));
      }
      return;
    }
    String command = canonical(words.get(0));
    // the word before the cursor's word decides what this one is
    String previous = index >= 2 ? words.get(index - 1) : "";
    String current = line.word();
    if (previous.equals("-q")) {
      for (String q : List.of("0", "1", "2")) {
        candidates.add(new Candidate(q));
      }
      return;
    }
    switch (command) {
      case "publish":
        if (current.startsWith("-")) {
          flags(candidates, "-q", "-r");
        } else if (topicPosition(words, index)) {
          topics(candidates, false);
        }
        break;
      case "subscribe":
        if (current.startsWith("-")) {
          flags(candidates, "-q");
        } else if (topicPosition(words, index)) {
          topics(candidates, true);
        }
        break;
      case "unsubscribe":
        if (index == 1) {
          topics(candidates, true);
        }
        break;
      case "connect":
        if (current.startsWith("-")) {
          flags(
              candidates,
              "--cafile",
              "--capath",
              "--cert",
              "--key",
              "--insecure",
              "--tls-version",
              "--tls-alpn",
              "--servername",
              "-i",
              "-u",
              "-k",
              "-c",
              "-V");
        }
        break;
      default:
        break;
    }
  }

  /** Whether word {@code index} is the first word after the command that is not a flag. */
  private static boolean topicPosition(List<String> words, int index) {
    int i = 1;
    while (i < index) {
      String w = words.get(i);
      if (w.equals("-q")) {
        i += 2;
      } else if (w.startsWith("-")) {
        i++;
      } else {
        return false;
      }
    }
    return i == index;
  }

  private void topics(List<Candidate> candidates, boolean filters) {
    for (String t : topics.get()) {
      if (filters || (t.indexOf('+') < 0 && t.indexOf('#') < 0)) {
        candidates.add(new Candidate(t));
      }
    }
  }

  private static void flags(List<Candidate> candidates, String... flags) {
    for (String f : flags) {
      candidates.add(new Candidate(f));
    }
  }

  /** The full name of a command or its short form. */
  static String canonical(String word) {
    String w = word.toLowerCase(java.util.Locale.ROOT);
    switch (w) {
      case "pub":
        return "publish";
      case "sub":
        return "subscribe";
      case "unsub":
        return "unsubscribe";
      case "quit":
        return "exit";
      case "?":
        return "help";
      default:
        return w;
    }
  }
}
