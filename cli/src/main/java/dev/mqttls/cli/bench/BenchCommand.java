package dev.mqttls.cli.bench;

import dev.mqttls.bench.Bench;
import dev.mqttls.bench.BenchException;
import dev.mqttls.bench.BenchResult;
import dev.mqttls.bench.BenchSettings;
import dev.mqttls.bench.Comparison;
import dev.mqttls.bench.DevicePool;
import dev.mqttls.bench.HtmlReport;
import dev.mqttls.bench.JsonReport;
import dev.mqttls.bench.Scenario;
import dev.mqttls.bench.Target;
import dev.mqttls.bench.TlsOptions;
import dev.mqttls.cli.client.CliFailure;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import dev.mqttls.pki.PkiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mqttls bench SCENARIO}: a thin adapter from options to {@link Bench#run}. The connection
 * options are spelled as mosquitto_pub spells them; they are declared here until the shared client
 * options mixin lands.
 */
@Command(
    name = "bench",
    sortOptions = false,
    description = {
      "Load scenarios against any MQTT broker: handshakes, throughput, latency, idle connections,",
      "bytes on the wire. Counts loss and duplicates from sequence numbers; latency from intended",
      "send times (no coordinated omission); broker CPU and memory from /proc with --broker-pid.",
      "Exit code: 0 on success, 1 when the run failed (refused or dropped connections), 2 on usage."
    },
    footer = {
      "",
      "Scenarios:",
      "  connect     full, then resumed, TLS handshakes + CONNECT per second; connect-to-CONNACK p50/p99",
      "  throughput  --publishers P --subscribers S -q QOS --payload BYTES; closed loop (--window) or --rate",
      "  latency     fixed --rate; HdrHistogram percentiles of end-to-end latency",
      "  idle        --connections N held open from --source-addresses 127.0.0.1..127.0.0.K",
      "  wire        bytes per message, flushed one by one and --batch per flush",
      "",
      "Examples:",
      "  mqttls bench throughput -L mqtt://localhost:1883 --publishers 4 --subscribers 4 --broker-pid 1234",
      "  mqttls bench connect -L mqtts://localhost:8883 --cafile ca.crt --pki mqttls-data/pki --devices 100",
      "  mqttls bench latency -L mqtt://localhost:1883 --rate 1000 --report latency.html \\",
      "      --compare mqtt://localhost:1884 --compare-pid 5678"
    })
public final class BenchCommand implements Callable<Integer> {
  private static final int FAILED = 1;
  private static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Option(names = "--help", usageHelp = true, description = "Show this help.")
  boolean help;

  @Parameters(
      index = "0",
      paramLabel = "SCENARIO",
      description = "connect, throughput, latency, idle or wire.")
  Scenario scenario;

  // ------------------------------------------------------------- connection (as mosquitto_pub)

  @Option(
      names = {"-h", "--host"},
      paramLabel = "HOST",
      description = "Broker host (default: localhost).")
  String host;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "Broker port (default: 1883, or 8883 with TLS).")
  Integer port;

  @Option(
      names = {"-L", "--url"},
      paramLabel = "URL",
      description = "Broker as mqtt[s]://host[:port]; mqtts:// turns TLS on.")
  String url;

  /** The TLS flags of pub, sub, shell and doctor; the ones a load run cannot honour are refused. */
  @Mixin dev.mqttls.cli.client.TlsOptions tlsFlags = new dev.mqttls.cli.client.TlsOptions();

  @Option(
      names = {"-V", "--protocol-version"},
      paramLabel = "VERSION",
      description = "mqttv311 (default) or mqttv5.")
  String protocolVersion = "mqttv311";

  @Option(
      names = {"-k", "--keepalive"},
      paramLabel = "SECS",
      description = "Keep-alive in seconds (default: 60).")
  int keepAlive = 60;

  // ------------------------------------------------------------- every scenario

  @Option(
      names = "--duration",
      paramLabel = "SECS",
      description = "Seconds to measure (default: 10).")
  double duration = 10;

  @Option(
      names = "--warmup",
      paramLabel = "SECS",
      description =
          "connect, throughput, latency: seconds of the same load first, not counted (default: 2).")
  double warmup = 2;

  @Option(
      names = "--broker-pid",
      paramLabel = "PID",
      description = "The broker's process id: its CPU (and for idle, memory) from /proc.")
  Long brokerPid;

  @Option(
      names = "--pki",
      paramLabel = "DIR",
      description =
          "A CA directory as `mqttls pki` writes it: one device certificate per connection.")
  Path pki;

  @Option(
      names = "--devices",
      paramLabel = "N",
      description =
          "With --pki: how many device certificates (issued as bench-N if missing; default: 10).")
  int devices = 10;

  @Option(names = "--json", description = "Print one JSON object per run instead of a table.")
  boolean json;

  @Option(
      names = "--report",
      paramLabel = "FILE.html",
      description = "Write one self-contained HTML page with plots and the machine described.")
  Path report;

  @Option(
      names = "--compare",
      paramLabel = "URL2",
      description = "Run the same scenario against a second broker afterwards and print ratios.")
  String compare;

  @Option(
      names = "--compare-pid",
      paramLabel = "PID2",
      description = "The second broker's process id.")
  Long comparePid;

  // ------------------------------------------------------------- scenario knobs

  @Option(names = "--publishers", paramLabel = "P", description = "Publishers (default: 1).")
  int publishers = 1;

  @Option(names = "--subscribers", paramLabel = "S", description = "Subscribers (default: 1).")
  int subscribers = 1;

  @Option(
      names = {"-q", "--qos"},
      paramLabel = "QOS",
      description = "QoS 0, 1 or 2 (default: 0).")
  int qos;

  @Option(
      names = "--payload",
      paramLabel = "BYTES",
      description = "Payload size, at least 20 (default: 64).")
  int payload = 64;

  @Option(names = "--topic-per-publisher", description = "One topic per publisher.")
  boolean topicPerPublisher;

  @Option(
      names = "--window",
      paramLabel = "N",
      description = "Closed loop: messages in flight end to end per publisher (default: 1000).")
  int window = 1000;

  @Option(
      names = "--rate",
      paramLabel = "MSGS/S",
      description = "Open loop at this total rate (latency default: 1000).")
  Integer rate;

  @Option(
      names = "--subscriber-delay-us",
      paramLabel = "MICROS",
      description =
          "throughput/latency: each subscriber takes at most one message per MICROS (it pauses"
              + " reading its socket: a slow consumer); default 0.")
  int subscriberDelayMicros;

  @Option(
      names = "--slow-subscribers",
      paramLabel = "N",
      description =
          "With --subscriber-delay-us: only the first N subscribers are slow (default: all).")
  int slowSubscribers;

  @Option(
      names = "--connections",
      paramLabel = "N",
      description = "idle: connections to hold (default: 1000).")
  int connections = 1000;

  @Option(
      names = "--source-addresses",
      paramLabel = "K",
      description = "idle: connect from 127.0.0.1 .. 127.0.0.K (default: 4).")
  int sourceAddresses = 4;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "connect: handshakes in flight (default: 4).")
  int concurrency = 4;

  @Option(
      names = "--messages",
      paramLabel = "N",
      description = "wire: messages per measurement (default: 1000).")
  int messages = 1000;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "wire: messages per flush when batched (default: 100).")
  int batch = 100;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Target first;
    Optional<Target> second;
    BenchSettings settings;
    DevicePool pool;
    try {
      tlsFlags.refuseForLoad("mqttls bench");
      settings = settings();
      first = target(url, brokerPid);
      second = compare == null ? Optional.empty() : Optional.of(target(compare, comparePid));
      pool = devicePool();
    } catch (IllegalArgumentException | UsageError e) {
      err.println("mqttls bench: " + e.getMessage());
      return USAGE;
    } catch (CliFailure e) {
      err.println(
          e.getMessage().startsWith("mqttls") ? e.getMessage() : "mqttls bench: " + e.getMessage());
      return USAGE;
    } catch (PkiException e) {
      err.println("mqttls bench: --pki " + pki + ": " + e.getMessage());
      return USAGE;
    }
    List<BenchResult> runs = new ArrayList<>();
    try {
      if (second.isPresent()) {
        // This JVM compiles its own hot paths during its first run: whichever broker came first
        // would be measured by a slower load generator (at 1,000 msgs/s its latency tail doubled
        // against either broker). So a first, uncounted run against the first target makes both
        // meet a warm one.
        err.println(
            "mqttls bench: an uncounted first run against " + first.label() + " warms up this JVM");
        Bench.run(first, pool, settings, progress(err));
        endProgress(err);
      }
      runs.add(Bench.run(first, pool, settings, progress(err)));
      endProgress(err);
      print(out, runs.get(0));
      if (second.isPresent()) {
        runs.add(Bench.run(second.get(), pool, settings, progress(err)));
        endProgress(err);
        print(out, runs.get(1));
        Comparison c = Comparison.of(runs.get(0), runs.get(1));
        if (json) {
          out.println(JsonReport.of(c));
        } else {
          out.println("ratios (" + c.second().target() + " / " + c.first().target() + "):");
          table(out, c.ratios());
        }
      }
    } catch (BenchException e) {
      endProgress(err);
      err.println("mqttls bench " + scenario.cliName() + ": " + e.getMessage());
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    } finally {
      out.flush();
    }
    if (report != null) {
      try {
        HtmlReport.write(runs, report);
        if (!json) {
          out.println("report: " + report);
        }
      } catch (IOException e) {
        err.println("mqttls bench: cannot write --report " + report + ": " + e.getMessage());
        return FAILED;
      }
    }
    out.flush();
    return 0;
  }

  private void print(PrintWriter out, BenchResult r) {
    if (json) {
      out.println(JsonReport.of(r));
      return;
    }
    out.println(
        scenario.cliName()
            + " against "
            + r.target()
            + " (load average "
            + r.machine().loadAverage()
            + "):");
    table(out, r.figures());
  }

  private static void table(PrintWriter out, Map<String, ?> values) {
    int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
    values.forEach(
        (k, v) -> out.println(String.format(Locale.ROOT, "  %-" + width + "s  %s", k, format(v))));
  }

  private static String format(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.format(Locale.ROOT, "%,d", d.longValue());
    }
    if (v instanceof Long l) {
      return String.format(Locale.ROOT, "%,d", l);
    }
    return String.valueOf(v);
  }

  /** A progress line on a terminal only: redrawn in place on stderr, never in a pipe or a file. */
  private Consumer<String> progress(PrintWriter err) {
    if (System.console() == null) {
      return line -> {};
    }
    return line -> {
      err.print("\r" + line + "\u001b[K");
      err.flush();
    };
  }

  private void endProgress(PrintWriter err) {
    if (System.console() != null) {
      err.print("\r\u001b[K");
      err.flush();
    }
  }

  private BenchSettings settings() {
    if (qos < 0 || qos > 2) {
      throw new UsageError("-q must be 0, 1 or 2, was " + qos);
    }
    MqttVersion version =
        switch (protocolVersion.toLowerCase(Locale.ROOT)) {
          case "mqttv311", "311", "4" -> MqttVersion.V3_1_1;
          case "mqttv5", "5" -> MqttVersion.V5;
          default ->
              throw new UsageError("-V must be mqttv311 or mqttv5, was '" + protocolVersion + "'");
        };
    if (!(warmup >= 0) || warmup > 3600) {
      throw new UsageError("--warmup must be between 0 and 3600 seconds, was " + warmup);
    }
    if (!(duration > 0) || duration > 86_400) {
      throw new UsageError("--duration must be between 0 and 86400 seconds, was " + duration);
    }
    BenchSettings.Builder b =
        BenchSettings.builder(scenario)
            .duration(Duration.ofMillis(Math.round(duration * 1000)))
            .warmup(Duration.ofMillis(Math.round(warmup * 1000)))
            .version(version)
            .keepAlive(keepAlive)
            .publishers(publishers)
            .subscribers(subscribers)
            .qos(Qos.of(qos))
            .payloadSize(payload)
            .topicPerPublisher(topicPerPublisher)
            .window(window)
            .connections(connections)
            .sourceAddresses(sourceAddresses)
            .concurrency(concurrency)
            .messages(messages)
            .batch(batch)
            .subscriberDelayMicros(subscriberDelayMicros)
            .slowSubscribers(slowSubscribers);
    if (rate != null) {
      b.rate(rate);
    }
    return b.build();
  }

  private DevicePool devicePool() {
    Path cert = tlsFlags.certFile().orElse(null);
    Path key = tlsFlags.keyFile().orElse(null);
    if (pki != null) {
      if (cert != null) {
        throw new UsageError("give either --pki or --cert, not both");
      }
      return DevicePool.fromPki(pki, devices);
    }
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new UsageError("--cert and --key go together");
      }
      return DevicePool.single(cert, key);
    }
    return DevicePool.none();
  }

  private Target target(String urlText, Long pid) {
    boolean tls = tlsFlags.anySet() || pki != null;
    String h = host == null ? "localhost" : host;
    Integer p = port;
    String label;
    if (urlText != null) {
      URI uri;
      try {
        uri = new URI(urlText);
      } catch (URISyntaxException e) {
        throw new UsageError("'" + urlText + "' is not a URL: " + e.getReason());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      switch (scheme) {
        case "mqtt", "tcp" -> tls = false;
        case "mqtts", "ssl", "tls" -> tls = true;
        default ->
            throw new UsageError("'" + urlText + "': the scheme must be mqtt:// or mqtts://");
      }
      if (uri.getHost() == null) {
        throw new UsageError("'" + urlText + "' has no host");
      }
      h = uri.getHost();
      p = uri.getPort() > 0 ? uri.getPort() : null;
      label = urlText;
    } else {
      label = null;
    }
    int portNumber = p != null ? p : tls ? 8883 : 1883;
    Target t;
    if (tls) {
      TlsOptions o =
          new TlsOptions(
              tlsFlags.caFile(),
              tlsFlags.jdkTlsVersion().map(List::of).orElse(List.of()),
              tlsFlags.cipherList(),
              tlsFlags.insecure(),
              tlsFlags.serverName());
      t = Target.tls(h, portNumber, o);
    } else {
      t = Target.plain(h, portNumber);
    }
    if (label != null) {
      t = t.withLabel(label);
    }
    return pid == null ? t : t.withBrokerPid(pid);
  }

  /** A usage mistake, said in one line. */
  private static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message, null, false, false);
    }
  }
}
