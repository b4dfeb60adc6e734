package dev.mqttls.cli.client;

import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mqttls pub}: publishes one message, a file, stdin, or stdin line by line. */
@Command(
    name = "pub",
    description = "Publish a message (flags as mosquitto_pub).",
    sortOptions = false,
    footer = ExitCodes.HELP)
public final class PubCommand implements Callable<Integer> {
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
      paramLabel = "TOPIC",
      description = "Topic to publish to (or the path of --url).")
  String topic;

  @Option(
      names = {"-m", "--message"},
      paramLabel = "TEXT",
      description = "The message.")
  String message;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Send the file as the message.")
  Path file;

  @Option(
      names = {"-s", "--stdin-file"},
      description = "Send all of stdin as one message.")
  boolean stdinWhole;

  @Option(
      names = {"-l", "--stdin-line"},
      description = "Send each line of stdin as a message.")
  boolean stdinLines;

  @Option(
      names = {"-n", "--null-message"},
      description = "Send an empty message.")
  boolean nullMessage;

  @Option(
      names = {"-q", "--qos"},
      paramLabel = "QOS",
      description = "Quality of service 0, 1 or 2 (default: 0).")
  int qos;

  @Option(
      names = {"-r", "--retain"},
      description = "Ask the broker to retain the message.")
  boolean retain;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description = "Publish the message N times (default: 1).")
  int repeat = 1;

  @Option(
      names = "--repeat-delay",
      paramLabel = "SECS",
      description =
          "Seconds (fractions allowed) from one delivery to the next publish (default: 0).")
  double repeatDelay;

  @Option(
      names = {"-e", "--response-topic"},
      paramLabel = "TOPIC",
      description =
          "Request/response (as mosquitto_rr): subscribe to TOPIC, publish with it as the MQTT 5"
              + " response topic, print the first response and exit.")
  String responseTopic;

  @Option(
      names = {"-W", "--timeout"},
      paramLabel = "SECS",
      description = "With -e: give up waiting for the response after SECS (exit status 27).")
  Integer timeoutSecs;

  @Option(names = "--quiet", description = "Print no runtime errors (usage errors still print).")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    return Commands.run("pub", err, connection.debug, quiet, () -> publish(err));
  }

  private int publish(PrintWriter err) throws Exception {
    int sources =
        (message != null ? 1 : 0)
            + (file != null ? 1 : 0)
            + (stdinWhole ? 1 : 0)
            + (stdinLines ? 1 : 0)
            + (nullMessage ? 1 : 0);
    if (sources != 1) {
      throw new CliFailure(
          ExitCodes.USAGE, "give exactly one of -m, -f, -s, -l or -n (the message source)");
    }
    if (repeat < 1) {
      throw new CliFailure(ExitCodes.USAGE, "--repeat must be 1 or more");
    }
    if (repeatDelay < 0 || Double.isNaN(repeatDelay)) {
      throw new CliFailure(ExitCodes.USAGE, "--repeat-delay must not be negative");
    }
    if (responseTopic != null && (stdinLines || repeat != 1)) {
      throw new CliFailure(ExitCodes.USAGE, "-e sends one request: not with -l or --repeat");
    }
    if (timeoutSecs != null && (responseTopic == null || timeoutSecs < 1)) {
      throw new CliFailure(ExitCodes.USAGE, "-W (seconds, 1 or more) goes with -e");
    }
    Qos q = ClientSetup.qos(qos);
    List<PropertyOptions.Property> props =
        properties.parse(Set.of("connect", "publish", "will"), Set.of("disconnect"));
    ClientSetup.Setup setup = ClientSetup.build(connection, session, tls, props, err);
    String t = topic != null ? topic : setup.urlTopic().orElse(null);
    if (t == null) {
      throw new CliFailure(ExitCodes.USAGE, "give a topic with -t (or in --url)");
    }
    MqttClientConfig config = setup.config();
    MessageProperties mp = ClientSetup.publishProperties(props, config.version());
    if (responseTopic != null) {
      if (!config.version().isV5()) {
        throw new CliFailure(
            ExitCodes.USAGE, "-e needs MQTT 5 (the response topic is a v5 property)");
      }
      try {
        mp = mp.toBuilder().responseTopic(responseTopic).build();
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.USAGE, "-e: " + e.getMessage());
      }
    }
    Message.Builder template;
    try {
      template = Message.builder(t).qos(q).retain(retain).properties(mp);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage());
    }
    byte[] payload = null;
    if (message != null) {
      payload = message.getBytes(StandardCharsets.UTF_8);
    } else if (file != null) {
      payload = InputFiles.readAllBytes("-f", file);
    } else if (nullMessage) {
      payload = new byte[0];
    } else if (stdinWhole) {
      payload = System.in.readAllBytes();
    }
    try (MqttClient client = MqttClient.create(config)) {
      client.blocking().connect();
      if (responseTopic != null) {
        return request(client, template.payload(payload).build(), err);
      }
      List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
      if (stdinLines) {
        InputStream in = System.in;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
          sent.add(client.publish(template.payload(line).build()));
          trim(sent);
        }
      } else {
        for (int i = 0; i < repeat; i++) {
          if (i > 0 && repeatDelay > 0) {
            // mosquitto waits from the previous delivery, not from its start
            if (!sent.isEmpty()) {
              await(sent.get(sent.size() - 1));
            }
            Thread.sleep(Math.round(repeatDelay * 1000));
          }
          sent.add(client.publish(template.payload(payload).build()));
          trim(sent);
        }
      }
      for (CompletableFuture<PublishResult> f : sent) {
        await(f);
      }
      client.blocking().disconnect();
    }
    return ExitCodes.OK;
  }

  /** -e: subscribe to the response topic, publish the request, print the first response. */
  private int request(MqttClient client, Message request, PrintWriter err)
      throws InterruptedException {
    BlockingQueue<Message> responses = new LinkedBlockingQueue<>();
    client.blocking().subscribe(Subscription.of(responseTopic, Qos.of(qos)), responses::add);
    client.blocking().publish(request);
    int secs = timeoutSecs == null ? 10 : timeoutSecs;
    Message response = responses.poll(secs, TimeUnit.SECONDS);
    if (response == null) {
      if (!quiet) {
        err.println("mqttls pub: no response on " + responseTopic + " within " + secs + " s (-W)");
        err.flush();
      }
      client.blocking().disconnect();
      return ExitCodes.SUB_TIMED_OUT;
    }
    PrintStream out = System.out;
    out.writeBytes(response.payload());
    out.write('\n');
    out.flush();
    client.blocking().disconnect();
    return ExitCodes.OK;
  }

  /** Keeps the list of unfinished publishes short, surfacing a failure early. */
  private static void trim(List<CompletableFuture<PublishResult>> sent)
      throws InterruptedException {
    if (sent.size() >= 1000) {
      for (CompletableFuture<PublishResult> f : sent) {
        await(f);
      }
      sent.clear();
    }
  }

  private static void await(CompletableFuture<PublishResult> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MqttClientException m) {
        throw m;
      }
      throw new CliFailure(ExitCodes.FAILED, String.valueOf(e.getCause()));
    }
  }
}
