package dev.mqttls.bench.internal;

import dev.mqttls.bench.BenchException;
import dev.mqttls.bench.BenchSettings;
import dev.mqttls.bench.DevicePool;
import dev.mqttls.bench.Scenario;
import dev.mqttls.bench.Target;
import java.util.function.Consumer;

/** Runs one scenario against one target on a connector of its own. */
public final class Scenarios {
  private Scenarios() {}

  /** Runs {@code settings.scenario()}; the connector and its threads are gone on return. */
  public static ScenarioOutput run(
      Target target,
      DevicePool devices,
      BenchSettings settings,
      String runTag,
      Consumer<String> progressSink)
      throws InterruptedException {
    Progress progress = new Progress(progressSink);
    if (settings.scenario() == Scenario.LATENCY && settings.rate() == 0) {
      throw new BenchException("latency needs a fixed --rate (messages per second)");
    }
    try (Connector connector = new Connector(target, devices, settings, runTag)) {
      return switch (settings.scenario()) {
        case CONNECT -> new ConnectScenario(connector, progress).run();
        case THROUGHPUT, LATENCY -> {
          if (!settings.warmup().isZero()) {
            // the same flow on its own topics and connections, its figures thrown away
            new FlowScenario(
                    new Connector(
                        target,
                        devices,
                        settings.toBuilder().duration(settings.warmup()).build(),
                        runTag + "w"),
                    new Progress(line -> progressSink.accept("warm-up: " + line)),
                    runTag + "w")
                .run();
          }
          yield new FlowScenario(connector, progress, runTag).run();
        }
        case IDLE -> new IdleScenario(connector, progress).run();
        case WIRE -> new WireScenario(connector, progress).run(runTag);
      };
    }
  }
}
