package dev.mqttls.bench.internal;

import java.util.function.Consumer;

/** Where a scenario reports how far it is, a few times a second; the CLI draws it on a terminal. */
final class Progress {
  private final Consumer<String> sink;

  Progress(Consumer<String> sink) {
    this.sink = sink;
  }

  void update(String line) {
    sink.accept(line);
  }
}
