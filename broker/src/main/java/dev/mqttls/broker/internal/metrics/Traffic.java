package dev.mqttls.broker.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The per-message counters: each event is one {@link LoopCounter} add on the event loop that sees
 * it (a plain write to the loop's own cell); meters and {@code $SYS} read the sums lazily.
 */
public final class Traffic {
  final LoopCounter[] publishIn = counters(3);
  final LoopCounter[] publishOut = counters(3);
  final LoopCounter[] payloadIn = counters(3);
  final LoopCounter[] payloadOut = counters(3);
  final LoopCounter packetsIn = new LoopCounter();
  final LoopCounter packetsOut = new LoopCounter();
  final LoopCounter bytesIn = new LoopCounter();
  final LoopCounter bytesOut = new LoopCounter();
  final LoopCounter[] dropped = counters(DropReason.values().length);

  private static LoopCounter[] counters(int n) {
    LoopCounter[] a = new LoopCounter[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LoopCounter();
    }
    return a;
  }

  void register(MeterRegistry r) {
    for (int q = 0; q < 3; q++) {
      String qos = Integer.toString(q);
      counter(r, "mqttls.publish.received", publishIn[q], "PUBLISH packets received", null)
          .tag("qos", qos)
          .register(r);
      counter(r, "mqttls.publish.sent", publishOut[q], "PUBLISH packets sent", null)
          .tag("qos", qos)
          .register(r);
      counter(
              r,
              "mqttls.publish.payload.received",
              payloadIn[q],
              "PUBLISH payload received",
              "bytes")
          .tag("qos", qos)
          .register(r);
      counter(r, "mqttls.publish.payload.sent", payloadOut[q], "PUBLISH payload sent", "bytes")
          .tag("qos", qos)
          .register(r);
    }
    counter(r, "mqttls.packets.received", packetsIn, "MQTT packets received", null).register(r);
    counter(r, "mqttls.packets.sent", packetsOut, "MQTT packets sent", null).register(r);
    counter(r, "mqttls.network.received", bytesIn, "Bytes received on client sockets", "bytes")
        .register(r);
    counter(r, "mqttls.network.sent", bytesOut, "Bytes sent on client sockets", "bytes")
        .register(r);
    for (DropReason d : DropReason.values()) {
      counter(r, "mqttls.publish.dropped", dropped[d.ordinal()], "Messages not delivered", null)
          .tag("reason", d.label())
          .register(r);
    }
  }

  private static FunctionCounter.Builder<LoopCounter> counter(
      MeterRegistry r, String name, LoopCounter a, String help, String unit) {
    FunctionCounter.Builder<LoopCounter> b =
        FunctionCounter.builder(name, a, LoopCounter::doubleValue).description(help);
    return unit == null ? b : b.baseUnit(unit);
  }

  /** PUBLISH packets received, every QoS. */
  public long publishReceived() {
    return sum(publishIn);
  }

  /** PUBLISH packets sent, every QoS. */
  public long publishSent() {
    return sum(publishOut);
  }

  long payloadReceived() {
    return sum(payloadIn);
  }

  long payloadSent() {
    return sum(payloadOut);
  }

  long droppedTotal() {
    return sum(dropped);
  }

  private static long sum(LoopCounter[] a) {
    long n = 0;
    for (LoopCounter x : a) {
      n += x.sum();
    }
    return n;
  }
}
