package dev.mqttls.cli.broker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.mqttls.admin.AdminConfig;
import dev.mqttls.admin.AdminServer;
import dev.mqttls.bridge.BridgeConfig;
import dev.mqttls.bridge.BridgeConfigs;
import dev.mqttls.bridge.Bridges;
import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerConfig.LogDestination;
import dev.mqttls.broker.BrokerConfig.LogType;
import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.cli.install.SelfCommand;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.pki.PkiException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqttls broker}: runs the broker until interrupted. With {@code -c FILE} it reads that
 * {@code mosquitto.conf}-syntax file; without it, it prepares {@code ./mqttls-data} on first run
 * and starts from what that prepares (or from the defaults: plain MQTT on 127.0.0.1:1883).
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run the MQTT broker (MQTT 3.1, 3.1.1 and 5.0) until interrupted.",
      "Configuration uses mosquitto.conf syntax; errors name FILE:LINE and the directive."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:stopped normally",
      "1:bad configuration, or a listener could not start",
      "2:bad command line"
    })
public final class BrokerCommand implements Callable<Integer> {
  /** Where first-run material and configuration live when no {@code -c} is given. */
  static final Path DATA_DIR = Path.of("mqttls-data");

  @Option(
      names = {"-c", "--config-file"},
      paramLabel = "FILE",
      description = "mosquitto.conf-syntax configuration file.")
  Path configFile;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description =
          "Listen on this port (plain MQTT on 127.0.0.1): replaces the default listener's port,"
              + " or adds such a listener to those of the configuration.")
  Integer port;

  @Option(
      names = "--first-run-ports",
      paramLabel = "TLS,PLAIN",
      description =
          "Ports for the configuration that a first run writes (default: 8883,1883), e.g. when a"
              + " mosquitto already listens on 1883. Used only when mqttls-data/mqttls.conf does"
              + " not exist yet.")
  String firstRunPorts;

  @Option(
      names = {"-v", "--verbose"},
      description = "Log everything (log_type all), as mosquitto -v.")
  boolean verbose;

  private final CountDownLatch stop = new CountDownLatch(1);
  private Path usedFile;

  @Override
  public Integer call() {
    PrintStream err = System.err;
    BrokerConfig config;
    Optional<AdminConfig> adminConfig;
    try {
      config = loadConfig();
      // Read before anything binds, so a bad http_* line stops start-up like any other.
      adminConfig =
          config.source().isPresent() ? AdminConfig.read(config.source().get()) : Optional.empty();
    } catch (ConfigException e) {
      err.println("Error: " + e.getMessage());
      return 1;
    } catch (PkiException e) {
      err.println("Error: first run could not prepare " + DATA_DIR + ": " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("Error: " + e.getMessage());
      return 2;
    }
    List<BridgeConfig> bridgeConfigs;
    try {
      bridgeConfigs = usedFile == null ? List.of() : BridgeConfigs.parse(ConfReader.read(usedFile));
    } catch (ConfException e) {
      err.println("Error: " + e.getMessage());
      return 1;
    }
    configureLogging(config, verbose);
    Broker broker;
    try {
      broker =
          configFile == null ? Broker.start(config) : ClusterLauncher.start(config, configFile);
    } catch (dev.mqttls.conf.ConfException e) {
      err.println("Error: " + e.getMessage());
      return 1;
    } catch (BrokerStartException e) {
      err.println("Error: " + e.getMessage());
      return 1;
    }
    // What runs beside the broker; closed in the reverse order, the broker last.
    Deque<AutoCloseable> running = new ArrayDeque<>();
    running.push(broker);
    try {
      Optional<AdminServer> admin = adminConfig.map(a -> AdminServer.start(a, broker));
      admin.ifPresent(running::push);
      running.push(dev.mqttls.cli.provision.ProvisioningLauncher.start(broker));
      running.push(Bridges.start(broker, bridgeConfigs));
    } catch (RuntimeException e) {
      // AdminStartException, the provisioning service's IllegalStateException, a bridge that
      // cannot start: each message names the cause.
      err.println("Error: " + e.getMessage());
      closeAll(running);
      return 1;
    }
    Thread hook =
        new Thread(
            () -> {
              closeAll(running);
              stop.countDown();
            },
            "mqttls-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    ReloadSignal.install(broker::reload);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeAll(running);
    }
    return 0;
  }

  /** Closes what was started, newest first, whatever an earlier close threw. */
  private static void closeAll(Deque<AutoCloseable> running) {
    AutoCloseable c;
    while ((c = running.poll()) != null) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // stopping anyway: the next part closes regardless
    }
  }

  private BrokerConfig loadConfig() throws ConfigException {
    BrokerConfig config;
    if (configFile != null) {
      usedFile = configFile;
      config = BrokerConfig.parse(configFile);
    } else {
      FirstRun.Ports ports =
          firstRunPorts == null ? FirstRun.Ports.DEFAULT : FirstRun.Ports.parse(firstRunPorts);
      Optional<Path> prepared = FirstRun.prepare(DATA_DIR, System.out, ports, SelfCommand.detect());
      usedFile = prepared.orElse(null);
      config = prepared.isPresent() ? BrokerConfig.parse(prepared.get()) : null;
    }
    if (config == null) {
      BrokerConfig.Builder b = BrokerConfig.builder();
      if (port != null) {
        b.listener(port, "127.0.0.1");
      }
      return b.build();
    }
    if (port != null) {
      List<ListenerConfig> listeners = new ArrayList<>(config.listeners());
      // Loopback only, like the default listener: exposing a port takes a listener line.
      listeners.add(new ListenerConfig(port, Optional.of("127.0.0.1"), List.of(), Path.of(".")));
      config = config.toBuilder().listeners(listeners).build();
    }
    return config;
  }

  /** Applies log_type and log_dest (and -v) to Logback, in the style of mosquitto's log. */
  static void configureLogging(BrokerConfig config, boolean verbose) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    Set<LogType> types = verbose ? EnumSet.allOf(LogType.class) : config.logTypes();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<LogDestination> dests = config.logDestinations();
    if (!dests.isEmpty()) {
      root.detachAndStopAllAppenders();
      for (LogDestination d : dests) {
        OutputStreamAppender<ILoggingEvent> a;
        switch (d.target()) {
          case STDOUT -> {
            ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
            c.setTarget("System.out");
            a = c;
          }
          case STDERR -> {
            ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
            c.setTarget("System.err");
            a = c;
          }
          case FILE -> {
            FileAppender<ILoggingEvent> f = new FileAppender<>();
            f.setFile(d.file().orElseThrow().toString());
            f.setAppend(true);
            a = f;
          }
          default -> {
            continue;
          }
        }
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %-5level %msg%n");
        enc.start();
        a.setContext(ctx);
        a.setEncoder(enc);
        a.start();
        root.addAppender(a);
      }
    }
    Level main =
        types.contains(LogType.DEBUG)
            ? Level.DEBUG
            : types.contains(LogType.INFORMATION) || types.contains(LogType.NOTICE)
                ? Level.INFO
                : types.contains(LogType.WARNING)
                    ? Level.WARN
                    : types.contains(LogType.ERROR) ? Level.ERROR : Level.OFF;
    ctx.getLogger("dev.mqttls").setLevel(main);
    // The broker's meters exist before the admin listener's registry joins them; Micrometer warns
    // that earlier recordings are not in it. Counters are read from the broker's own adders, so
    // only histogram samples from before the listener started are missing: not worth a warning.
    ctx.getLogger("io.micrometer.core.instrument.composite.CompositeMeterRegistry")
        .setLevel(Level.ERROR);
    ctx.getLogger("dev.mqttls.broker.subscribe")
        .setLevel(types.contains(LogType.SUBSCRIBE) ? Level.INFO : Level.OFF);
    ctx.getLogger("dev.mqttls.broker.unsubscribe")
        .setLevel(types.contains(LogType.UNSUBSCRIBE) ? Level.INFO : Level.OFF);
  }
}
