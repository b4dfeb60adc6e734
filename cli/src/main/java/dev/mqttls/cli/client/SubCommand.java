package dev.mqttls.cli.client;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.TopicName;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mqttls sub}: subscribes and prints messages until -C, -W or a signal ends it. */
@Command(
    name = "sub",
    description = "Subscribe and print messages (flags as mosquitto_sub).",
    sortOptions = false,
    footer = ExitCodes.HELP)
public final class SubCommand implements Callable<Integer> {
  /** Packets sub (and the shell) send that take no -D properties yet. */
  static final Set<String> PROPERTIES_NOT_YET = Set.of("subscribe", "unsubscribe", "disconnect");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--help", usageHelp = true, description = "Show this help.")
  boolean help;

  @Mixin OptionsFile optionsFile = new OptionsFile();
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin SessionOptions session = new SessionOptions();
  @Mixin TlsOptions tls = new TlsOptions();
  @Mixin PropertyOptions properties = new PropertyOptions();

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "FILTER",
      description = "Topic filter to subscribe to (repeatable; or the path of --url).")
  List<String> topics = new ArrayList<>();

  @Option(
      names = {"-T", "--filter-out"},
      paramLabel = "FILTER",
      description = "Do not print messages whose topic matches FILTER (repeatable).")
  List<String> filterOut = new ArrayList<>();

  @Option(
      names = {"-U", "--unsubscribe"},
      paramLabel = "FILTER",
      description = "Unsubscribe from FILTER after subscribing (repeatable; useful with -c).")
  List<String> unsubscribe = new ArrayList<>();

  @Option(
      names = {"-q", "--qos"},
      paramLabel = "QOS",
      description = "Highest QoS to receive with: 0, 1 or 2 (default: 0).")
  int qos;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the topic before each payload.")
  boolean verbose;

  @Option(
      names = {"-F", "--format"},
      paramLabel = "FORMAT",
      description =
          "Print each message as FORMAT, as mosquitto_sub does: %%t topic, %%p payload, %%q QoS,"
              + " %%r retain, %%l length, %%x/%%X hex, %%j/%%J JSON, %%I ISO time, %%U Unix time,"
              + " %%C %%D %%E %%F %%P %%R %%S MQTT 5 properties, @X strftime, \\n \\t \\e escapes.")
  String format;

  @Option(names = "--pretty", description = "With %%j or %%J: indented JSON.")
  boolean pretty;

  @Option(names = "--json", description = "Print each message as one JSON object per line.")
  boolean json;

  @Option(
      names = {"-C", "--count"},
      paramLabel = "N",
      description = "Exit after N messages.")
  Integer count;

  @Option(
      names = {"-W", "--timeout"},
      paramLabel = "SECS",
      description = "Exit after SECS seconds with status 27, as mosquitto_sub does.")
  Integer timeoutSecs;

  @Option(
      names = {"-E", "--exit-after-subscribe"},
      description = "Exit as soon as the subscriptions are acknowledged (e.g. to set up -c).")
  boolean exitAfterSubscribe;

  @Option(
      names = {"-R", "--no-retained"},
      description = "Do not print stale (retained) messages.")
  boolean noRetained;

  @Option(
      names = "--retained-only",
      description = "Print only retained messages; exit at the first fresh one.")
  boolean retainedOnly;

  @Option(
      names = "--remove-retained",
      description = "Clear each retained message received (not those filtered out with -T).")
  boolean removeRetained;

  @Option(
      names = "--retain-as-published",
      description =
          "MQTT 5: keep the retain flag as the publisher set it, not only for stale messages.")
  boolean retainAsPublished;

  @Option(
      names = "--random-filter",
      paramLabel = "PERCENT",
      description = "Print only about PERCENT (0.1..100) of the messages, chosen at random.")
  Double randomFilter;

  @Option(
      names = {"-N", "--no-newline"},
      description = "Do not end payloads with a newline.")
  boolean noNewline;

  @Option(names = "--quiet", description = "Print no runtime errors (usage errors still print).")
  boolean quiet;

  private static final Message LOST = Message.of("$lost", "");

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    return Commands.run("sub", err, connection.debug, quiet, () -> subscribe(err));
  }

  private int subscribe(PrintWriter err) throws Exception {
    if (count != null && count < 1) {
      throw new CliFailure(ExitCodes.USAGE, "-C must be 1 or more");
    }
    if (timeoutSecs != null && timeoutSecs < 1) {
      throw new CliFailure(ExitCodes.USAGE, "-W must be 1 or more seconds");
    }
    if (noRetained && retainedOnly) {
      throw new CliFailure(ExitCodes.USAGE, "give either -R or --retained-only, not both");
    }
    if (randomFilter != null && !(randomFilter >= 0.1 && randomFilter <= 100)) {
      throw new CliFailure(ExitCodes.USAGE, "--random-filter must be 0.1 to 100 (percent)");
    }
    if (json && format != null) {
      throw new CliFailure(ExitCodes.USAGE, "give either --json or -F, not both");
    }
    Qos q = ClientSetup.qos(qos);
    ClientSetup.Setup setup =
        ClientSetup.build(
            connection,
            session,
            tls,
            properties.parse(Set.of("connect", "will"), PROPERTIES_NOT_YET),
            err);
    List<String> filters = new ArrayList<>(topics);
    if (filters.isEmpty()) {
      setup.urlTopic().ifPresent(filters::add);
    }
    if (filters.isEmpty() && unsubscribe.isEmpty()) {
      throw new CliFailure(ExitCodes.USAGE, "give a topic filter with -t (or in --url), or -U");
    }
    List<Subscription> subs = new ArrayList<>();
    List<TopicFilter> hidden = new ArrayList<>();
    try {
      for (String f : filters) {
        subs.add(new Subscription(f, q, false, retainAsPublished, 0));
      }
      for (String f : filterOut) {
        hidden.add(TopicFilter.of(f));
      }
      for (String f : unsubscribe) {
        TopicFilter.of(f);
      }
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage());
    }
    MqttClientConfig config = setup.config();
    if (retainAsPublished && !config.version().isV5()) {
      throw new CliFailure(ExitCodes.USAGE, "--retain-as-published needs MQTT 5 (-V mqttv5)");
    }
    Printer printer = new Printer(err);
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    MqttClientException[] lost = new MqttClientException[1];
    try (MqttClient client = MqttClient.create(config)) {
      // Ctrl-C ends a subscription without -C or -W: say goodbye so the broker drops no will
      Thread goodbye = new Thread(client::close, "mqttls-sub-disconnect");
      Runtime.getRuntime().addShutdownHook(goodbye);
      try {
        return receive(client, subs, hidden, received, lost, printer, err);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(goodbye);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
      }
    }
  }

  private int receive(
      MqttClient client,
      List<Subscription> subs,
      List<TopicFilter> hidden,
      BlockingQueue<Message> received,
      MqttClientException[] lost,
      Printer printer,
      PrintWriter err)
      throws InterruptedException {
    client.onConnectionLost(
        e -> {
          lost[0] = e;
          received.add(LOST);
        });
    // a resumed session (-c) may deliver before we subscribe again: print those too
    client.onUnmatchedMessage(received::add);
    client.blocking().connect();
    // -W counts from the connection, as mosquitto_sub's does
    long deadline =
        timeoutSecs == null
            ? Long.MAX_VALUE
            : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSecs);
    for (Subscription s : subs) {
      client.blocking().subscribe(s, received::add);
    }
    for (String f : unsubscribe) {
      client.blocking().unsubscribe(f);
    }
    if (exitAfterSubscribe) {
      client.blocking().disconnect();
      return ExitCodes.OK;
    }
    int printed = 0;
    while (count == null || printed < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        printer.flush();
        if (!quiet) {
          err.println(
              "mqttls sub: timed out after "
                  + timeoutSecs
                  + " s (-W)"
                  + (count != null ? " with " + printed + " of " + count + " messages" : ""));
          err.flush();
        }
        client.blocking().disconnect();
        return ExitCodes.SUB_TIMED_OUT;
      }
      Message m = received.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
      if (m == null) {
        continue;
      }
      if (m == LOST) {
        printer.flush();
        throw lost[0];
      }
      if (hidden.stream().anyMatch(f -> f.matches(TopicName.of(m.topic())))) {
        continue;
      }
      if (removeRetained && m.retain() && m.payloadSize() > 0) {
        client.publish(Message.builder(m.topic()).retain(true).qos(m.qos()).build());
      }
      if (retainedOnly && !m.retain()) {
        break;
      }
      if (noRetained && m.retain()) {
        continue;
      }
      // as mosquitto_sub: a message the random filter drops still counts for -C
      if (randomFilter == null
          || java.util.concurrent.ThreadLocalRandom.current().nextDouble(100) < randomFilter) {
        printer.print(m);
      }
      printed++;
    }
    printer.flush();
    client.blocking().disconnect();
    return ExitCodes.OK;
  }

  /** Prints messages as -F, --json, -v and -N ask, as bytes (payloads need not be text). */
  private final class Printer {
    private final PrintStream out = System.out;
    private final PrintWriter err;
    private final OutputFormat formatter = format == null ? null : new OutputFormat(format, pretty);

    Printer(PrintWriter err) {
      this.err = err;
    }

    void print(Message m) {
      if (formatter != null) {
        out.writeBytes(
            formatter.render(
                m,
                ZonedDateTime.now(),
                problem -> {
                  if (!quiet) {
                    err.println(problem);
                    err.flush();
                  }
                }));
        newline();
      } else if (json) {
        out.print(JsonMessage.of(m));
        out.print('\n');
      } else if (m.payloadSize() == 0) {
        // mosquitto_sub prints "(null)" for an empty payload with -v, nothing without
        if (verbose && !noNewline) {
          out.writeBytes((m.topic() + " (null)\n").getBytes(StandardCharsets.UTF_8));
        }
      } else {
        if (verbose) {
          out.writeBytes((m.topic() + " ").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(m.payload());
        newline();
      }
      out.flush();
    }

    private void newline() {
      if (!noNewline) {
        out.write('\n');
      }
    }

    void flush() {
      out.flush();
    }
  }
}
