package dev.mqttls.cli.client;

import dev.mqttls.client.ClientStatus;
import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsSessionInfo;
import dev.mqttls.codec.Qos;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mqttls shell}: an interactive console with the seed device's command set. On a terminal it
 * uses JLine (history, completion, colours) and prints arriving messages above the prompt; with
 * piped input it reads one command per line and prints plainly, so scripts and tests can drive it.
 */
@Command(
    name = "shell",
    description = "Interactive MQTT console: connect, publish, subscribe, status.",
    sortOptions = false,
    footer = ExitCodes.HELP)
public final class ShellCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--help", usageHelp = true, description = "Show this help.")
  boolean help;

  @Mixin OptionsFile optionsFile = new OptionsFile();
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin SessionOptions session = new SessionOptions();
  @Mixin TlsOptions tls = new TlsOptions();
  @Mixin PropertyOptions properties = new PropertyOptions();

  private static final String HELP =
      String.join(
          "\n",
          "commands:",
          "  connect [URL] [OPTIONS]           connect (URL: mqtt[s]://host[:port]; OPTIONS as for mqttls sub,",
          "                                    e.g. --cafile F; default: the shell's command-line options)",
          "  publish [-q N] [-r] TOPIC TEXT    publish TEXT (the rest of the line) to TOPIC",
          "  subscribe [-q N] FILTER           subscribe; messages print as they arrive",
          "  unsubscribe FILTER                unsubscribe",
          "  disconnect                        disconnect",
          "  status                            connection, TLS, peer certificate, session, subscriptions, counters",
          "  help                              this list",
          "  exit                              disconnect and leave");

  /** How many topics seen in messages the shell keeps for completion. */
  private static final int SEEN_TOPICS = 1000;

  private MqttClient client;
  private Output out;
  private final Set<String> seenTopics = Collections.synchronizedSet(new LinkedHashSet<>());

  /** The exit code of the last command that failed (a piped script exits with it), or 0. */
  private int lastFailure = ExitCodes.OK;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    return Commands.run("shell", err, connection.debug, this::loop);
  }

  /** The filters subscribed to and the topics seen, for completion. */
  Collection<String> topicCandidates() {
    Set<String> all = new TreeSet<>();
    MqttClient c = client;
    if (c != null) {
      for (Subscription s : c.status().subscriptions()) {
        all.add(s.filter());
      }
    }
    synchronized (seenTopics) {
      all.addAll(seenTopics);
    }
    return all;
  }

  void seen(String topic) {
    synchronized (seenTopics) {
      if (seenTopics.size() >= SEEN_TOPICS && !seenTopics.contains(topic)) {
        Iterator<String> oldest = seenTopics.iterator();
        oldest.next();
        oldest.remove();
      }
      seenTopics.add(topic);
    }
  }

  private int loop() throws IOException {
    boolean tty = System.console() != null;
    if (tty) {
      try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
        LineReader reader =
            LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("mqttls")
                .completer(new ShellCompleter(this::topicCandidates))
                .variable(
                    LineReader.HISTORY_FILE,
                    java.nio.file.Path.of(
                        System.getProperty("user.home"), ".mqttls", "shell_history"))
                .build();
        out = new Output(reader, terminal.writer());
        out.println("mqttls shell: type help for commands");
        while (true) {
          String line;
          try {
            line = reader.readLine("mqttls> ");
          } catch (UserInterruptException e) {
            continue;
          } catch (EndOfFileException e) {
            break;
          }
          if (!execute(line)) {
            break;
          }
        }
      }
    } else {
      out = new Output(null, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
      BufferedReader r =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (!execute(line)) {
          break;
        }
      }
    }
    if (client != null) {
      client.close();
    }
    // a script (piped input) fails when one of its commands failed; a person saw each error
    return tty ? ExitCodes.OK : lastFailure;
  }

  /** Runs one command line; false to leave the shell. */
  private boolean execute(String line) {
    List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
    if (words.isEmpty() || words.get(0).isEmpty() || words.get(0).startsWith("#")) {
      return true;
    }
    String typed = words.remove(0);
    String cmd = ShellCompleter.canonical(typed);
    try {
      switch (cmd) {
        case "connect":
          connect(words);
          break;
        case "publish":
          publish(words, line);
          break;
        case "subscribe":
          subscribe(words);
          break;
        case "unsubscribe":
          requireClient().blocking().unsubscribe(one(words, "unsubscribe FILTER"));
          out.println("unsubscribed");
          break;
        case "disconnect":
          disconnect();
          break;
        case "status":
          status();
          break;
        case "help":
          out.println(HELP);
          break;
        case "exit":
          return false;
        default:
          fail(ExitCodes.USAGE, "unknown command '" + typed + "' (type help)");
      }
    } catch (CliFailure e) {
      fail(e.exitCode(), e.getMessage());
    } catch (MqttClientException e) {
      fail(ExitCodes.of(e.kind()), e.getMessage());
    } catch (IllegalArgumentException e) {
      fail(ExitCodes.USAGE, e.getMessage());
    }
    return true;
  }

  private void fail(int exitCode, String message) {
    lastFailure = exitCode;
    out.error(message);
  }

  private boolean connected() {
    return client != null && client.state() == ConnectionState.CONNECTED;
  }

  private void disconnect() {
    boolean was = connected();
    if (client != null) {
      client.close();
      client = null;
    }
    if (!was) {
      throw new CliFailure(ExitCodes.USAGE, "not connected");
    }
    out.println("disconnected");
  }

  private void connect(List<String> words) {
    ConnectLine c = ConnectLine.parse(spec, words, properties);
    ClientSetup.Setup setup =
        ClientSetup.build(
            c.connection,
            c.session,
            c.tls,
            c.properties.parse(Set.of("connect", "will"), SubCommand.PROPERTIES_NOT_YET),
            spec.commandLine().getErr());
    MqttClientConfig config = setup.config();
    if (client != null) {
      client.close();
      client = null;
    }
    MqttClient created = MqttClient.create(config);
    created.onConnectionLost(e -> out.error("connection lost: " + e.getMessage()));
    try {
      ConnectResult r = created.blocking().connect();
      client = created;
      out.println(
          "connected to "
              + config.brokerUrl()
              + (r.tls().isPresent() ? " (" + r.tls().get().protocol() + ")" : "")
              + ", session present: "
              + r.sessionPresent());
    } catch (MqttClientException e) {
      created.close();
      throw e;
    }
  }

  private void publish(List<String> words, String line) {
    Qos q = Qos.AT_MOST_ONCE;
    boolean retain = false;
    while (!words.isEmpty() && words.get(0).startsWith("-")) {
      String flag = words.remove(0);
      if (flag.equals("-r")) {
        retain = true;
      } else if (flag.equals("-q") && !words.isEmpty()) {
        q = Qos.of(Integer.parseInt(words.remove(0)));
      } else {
        throw new CliFailure(ExitCodes.USAGE, "usage: publish [-q N] [-r] TOPIC TEXT");
      }
    }
    if (words.isEmpty()) {
      throw new CliFailure(ExitCodes.USAGE, "usage: publish [-q N] [-r] TOPIC TEXT");
    }
    String topic = words.get(0);
    // the text is the rest of the line as typed, spaces included
    int at = line.indexOf(topic, line.indexOf("pub") + 3) + topic.length();
    String text = at < line.length() ? line.substring(at).strip() : "";
    requireClient()
        .blocking()
        .publish(Message.builder(topic).payload(text).qos(q).retain(retain).build());
    seen(topic);
    out.println("published to " + topic + " (qos " + q.code() + ")");
  }

  private void subscribe(List<String> words) {
    Qos q = Qos.AT_MOST_ONCE;
    if (words.size() >= 2 && words.get(0).equals("-q")) {
      words.remove(0);
      q = Qos.of(Integer.parseInt(words.remove(0)));
    }
    String filter = one(words, "subscribe [-q N] FILTER");
    Consumer<Message> print =
        m -> {
          seen(m.topic());
          out.message(m.topic() + " " + m.payloadAsString() + (m.retain() ? " (retained)" : ""));
        };
    requireClient().blocking().subscribe(Subscription.of(filter, q), print);
    out.println("subscribed to " + filter + " (qos " + q.code() + ")");
  }

  private void status() {
    if (client == null || client.state() == ConnectionState.CLOSED) {
      out.println("state:            DISCONNECTED");
      return;
    }
    ClientStatus s = client.status();
    StringBuilder sb = new StringBuilder();
    sb.append("state:            ").append(s.state()).append('\n');
    sb.append("broker:           ").append(s.brokerUrl()).append('\n');
    sb.append("client id:        ").append(s.clientId()).append('\n');
    if (s.connect().isPresent()) {
      ConnectResult r = s.connect().get();
      if (r.tls().isPresent()) {
        TlsSessionInfo t = r.tls().get();
        sb.append("tls:              ").append(t.protocol()).append(", ").append(t.cipherSuite());
        t.alpnProtocol().ifPresent(a -> sb.append(", alpn ").append(a));
        sb.append('\n');
        sb.append("peer certificate: ")
            .append(t.peerSubject())
            .append(" (issuer ")
            .append(t.peerIssuer())
            .append(", expires in ")
            .append(t.daysToExpiry(Instant.now()))
            .append(" days)\n");
      } else {
        sb.append("tls:              none (plain TCP)\n");
      }
      sb.append("session present:  ").append(r.sessionPresent()).append('\n');
    }
    sb.append("subscriptions:    ");
    if (s.subscriptions().isEmpty()) {
      sb.append("none");
    }
    for (int i = 0; i < s.subscriptions().size(); i++) {
      Subscription sub = s.subscriptions().get(i);
      sb.append(i > 0 ? ", " : "")
          .append(sub.filter())
          .append(" (qos ")
          .append(sub.qos().code())
          .append(')');
    }
    sb.append('\n');
    sb.append("messages:         in ")
        .append(s.messagesIn())
        .append(", out ")
        .append(s.messagesOut());
    out.println(sb.toString());
  }

  private MqttClient requireClient() {
    if (!connected()) {
      throw new CliFailure(ExitCodes.USAGE, "not connected (use connect [URL])");
    }
    return client;
  }

  private static String one(List<String> words, String usage) {
    if (words.size() != 1) {
      throw new CliFailure(ExitCodes.USAGE, "usage: " + usage);
    }
    return words.get(0);
  }

  /** Where the shell writes: above the prompt on a terminal, plainly otherwise. */
  private static final class Output {
    private final LineReader reader;
    private final PrintWriter writer;

    Output(LineReader reader, PrintWriter writer) {
      this.reader = reader;
      this.writer = writer;
    }

    synchronized void println(String s) {
      writer.println(s);
      writer.flush();
    }

    synchronized void message(String s) {
      if (reader != null) {
        reader.printAbove(
            new AttributedStringBuilder()
                .style(AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN))
                .append(s)
                .toAttributedString());
      } else {
        writer.println(s);
        writer.flush();
      }
    }

    synchronized void error(String s) {
      if (reader != null) {
        reader.printAbove(
            new AttributedStringBuilder()
                .style(AttributedStyle.DEFAULT.foreground(AttributedStyle.RED))
                .append("error: " + s)
                .toAttributedString());
      } else {
        writer.println("error: " + s);
        writer.flush();
      }
    }
  }
}
