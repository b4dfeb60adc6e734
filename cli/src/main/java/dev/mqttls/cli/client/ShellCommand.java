package dev.mqttls.cli.client;

import dev.mqttls.client.ClientStatus;
import dev.mqttls.client.ConnectResult;
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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
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

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin TlsOptions tls = new TlsOptions();
  @Mixin PropertyOptions properties = new PropertyOptions();

  private static final String HELP =
      String.join(
          "\n",
          "commands:",
          "  connect [URL]                     connect (URL: mqtt[s]://host[:port]; default: the command-line options)",
          "  publish [-q N] [-r] TOPIC TEXT    publish TEXT (the rest of the line) to TOPIC",
          "  subscribe [-q N] FILTER           subscribe; messages print as they arrive",
          "  unsubscribe FILTER                unsubscribe",
          "  disconnect                        disconnect",
          "  status                            connection, TLS, peer certificate, session, subscriptions, counters",
          "  help                              this list",
          "  exit                              disconnect and leave");

  private MqttClient client;
  private Output out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    return Commands.run("shell", err, connection.debug, this::loop);
  }

  private int loop() throws IOException {
    boolean tty = System.console() != null;
    if (tty) {
      try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
        LineReader reader =
            LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("mqttls")
                .completer(
                    new StringsCompleter(
                        "connect",
                        "publish",
                        "subscribe",
                        "unsubscribe",
                        "disconnect",
                        "status",
                        "help",
                        "exit"))
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
    return ExitCodes.OK;
  }

  /** Runs one command line; false to leave the shell. */
  private boolean execute(String line) {
    List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
    if (words.isEmpty() || words.get(0).isEmpty() || words.get(0).startsWith("#")) {
      return true;
    }
    String cmd = words.remove(0).toLowerCase(java.util.Locale.ROOT);
    try {
      switch (cmd) {
        case "connect":
          connect(words);
          break;
        case "publish":
        case "pub":
          publish(words, line);
          break;
        case "subscribe":
        case "sub":
          subscribe(words);
          break;
        case "unsubscribe":
        case "unsub":
          requireClient().blocking().unsubscribe(one(words, "unsubscribe FILTER"));
          out.println("unsubscribed");
          break;
        case "disconnect":
          if (client != null) {
            client.close();
            client = null;
          }
          out.println("disconnected");
          break;
        case "status":
          status();
          break;
        case "help":
        case "?":
          out.println(HELP);
          break;
        case "exit":
        case "quit":
          return false;
        default:
          out.error("unknown command '" + cmd + "' (type help)");
      }
    } catch (CliFailure e) {
      out.error(e.getMessage());
    } catch (MqttClientException e) {
      out.error(e.getMessage());
    } catch (IllegalArgumentException e) {
      out.error(e.getMessage());
    }
    return true;
  }

  private void connect(List<String> words) {
    if (client != null) {
      client.close();
      client = null;
    }
    ConnectionOptions c = connection;
    if (!words.isEmpty()) {
      c = copyWithUrl(connection, words.get(0));
    }
    ClientSetup.Setup setup =
        ClientSetup.build(c, tls, properties.parse(), spec.commandLine().getErr());
    MqttClientConfig config = setup.config().build();
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

  private static ConnectionOptions copyWithUrl(ConnectionOptions c, String url) {
    ConnectionOptions n = new ConnectionOptions();
    n.url = url;
    n.port = null;
    n.clientId = c.clientId;
    n.username = c.username;
    n.password = c.password;
    n.keepAlive = c.keepAlive;
    n.noClean = c.noClean;
    n.sessionExpiry = c.sessionExpiry;
    n.protocolVersion = c.protocolVersion;
    n.connectTimeout = c.connectTimeout;
    return n;
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
        m -> out.message(m.topic() + " " + m.payloadAsString() + (m.retain() ? " (retained)" : ""));
    requireClient().blocking().subscribe(Subscription.of(filter, q), print);
    out.println("subscribed to " + filter + " (qos " + q.code() + ")");
  }

  private void status() {
    if (client == null) {
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
    if (client == null) {
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
