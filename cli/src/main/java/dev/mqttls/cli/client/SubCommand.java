package dev.mqttls.cli.client;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--help", usageHelp = true, description = "Show this help.")
  boolean help;

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin TlsOptions tls = new TlsOptions();
  @Mixin PropertyOptions properties = new PropertyOptions();

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "FILTER",
      description = "Topic filter to subscribe to (repeatable; or the path of --url).")
  List<String> topics = new ArrayList<>();

  @Option(
      names = {"-q", "--qos"},
      paramLabel = "QOS",
      description = "Highest QoS to receive with: 0, 1 or 2 (default: 0).")
  int qos;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the topic before each payload.")
  boolean verbose;

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
      description = "Exit after SECS seconds (exit code 7 if -C messages had not arrived).")
  Integer timeoutSecs;

  @Option(
      names = {"-R", "--no-retained"},
      description = "Do not print stale (retained) messages.")
  boolean noRetained;

  @Option(
      names = {"-N", "--no-newline"},
      description = "Do not end payloads with a newline.")
  boolean noNewline;

  private static final Message LOST = Message.of("$lost", "");

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    return Commands.run("sub", err, connection.debug, () -> subscribe(err));
  }

  private int subscribe(PrintWriter err) throws Exception {
    if (count != null && count < 1) {
      throw new CliFailure(ExitCodes.USAGE, "-C must be 1 or more");
    }
    if (timeoutSecs != null && timeoutSecs < 1) {
      throw new CliFailure(ExitCodes.USAGE, "-W must be 1 or more seconds");
    }
    Qos q = ClientSetup.qos(qos);
    ClientSetup.Setup setup = ClientSetup.build(connection, tls, properties.parse(), err);
    List<String> filters = new ArrayList<>(topics);
    if (filters.isEmpty()) {
      setup.urlTopic().ifPresent(filters::add);
    }
    if (filters.isEmpty()) {
      throw new CliFailure(ExitCodes.USAGE, "give a topic filter with -t (or in --url)");
    }
    List<Subscription> subs = new ArrayList<>();
    for (String f : filters) {
      try {
        subs.add(Subscription.of(f, q));
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.USAGE, e.getMessage());
      }
    }
    MqttClientConfig config = setup.config().build();
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    MqttClientException[] lost = new MqttClientException[1];
    PrintStream out = System.out;
    try (MqttClient client = MqttClient.create(config)) {
      // Ctrl-C ends a subscription without -C or -W: say goodbye so the broker drops no will
      Thread goodbye = new Thread(client::close, "mqttls-sub-disconnect");
      Runtime.getRuntime().addShutdownHook(goodbye);
      try {
        return receive(client, subs, received, lost, out, err);
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
      BlockingQueue<Message> received,
      MqttClientException[] lost,
      PrintStream out,
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
    for (Subscription s : subs) {
      client.blocking().subscribe(s, received::add);
    }
    long deadline =
        timeoutSecs == null
            ? Long.MAX_VALUE
            : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSecs);
    int printed = 0;
    while (count == null || printed < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        out.flush();
        if (count != null) {
          err.println(
              "mqttls sub: timed out after "
                  + timeoutSecs
                  + " s with "
                  + printed
                  + " of "
                  + count
                  + " messages");
          err.flush();
          return ExitCodes.TIMEOUT;
        }
        break;
      }
      Message m = received.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
      if (m == null) {
        continue;
      }
      if (m == LOST) {
        out.flush();
        throw lost[0];
      }
      if (noRetained && m.retain()) {
        continue;
      }
      print(out, m);
      printed++;
    }
    out.flush();
    client.blocking().disconnect();
    return ExitCodes.OK;
  }

  private void print(PrintStream out, Message m) {
    if (json) {
      out.print(JsonMessage.of(m));
      out.print('\n');
    } else {
      if (verbose) {
        byte[] topic = m.topic().getBytes(StandardCharsets.UTF_8);
        out.write(topic, 0, topic.length);
        out.write(' ');
      }
      byte[] p = m.payload();
      out.write(p, 0, p.length);
      if (!noNewline) {
        out.write('\n');
      }
    }
    out.flush();
  }
}
