package dev.mqttls.broker.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * The per-message counters: each event is one {@link LongAdder} add on the event loop that sees it
 * (striped, so loops do not contend); meters and {@code $SYS} read the sums lazily.
 */
public final class Traffic {
  final LongAdder[] publishIn = adders(3);
  final LongAdder[] publishOut = adders(3);
  final LongAdder[] payloadIn = adders(3);
  final LongAdder[] payloadOut = adders(3);
  final LongAdder packetsIn = new LongAdder();
  final LongAdder packetsOut = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder[] dropped = adders(DropReason.values().length);

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
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

  private static FunctionCounter.Builder<LongAdder> counter(
      MeterRegistry r, String name, LongAdder a, String help, String unit) {
    FunctionCounter.Builder<LongAdder> b =
        FunctionCounter.builder(name, a, LongAdder::doubleValue).description(help);
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

  private static long sum(LongAdder[] a) {
    long n = 0;
    for (LongAdder x : a) {
      n += x.sum();
    }
    return n;
  }
}
