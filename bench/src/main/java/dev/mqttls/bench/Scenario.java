package dev.mqttls.bench;

import java.util.Locale;

/** The load scenarios {@link Bench} runs. */
public enum Scenario {
  /** Full and resumed TLS handshakes plus CONNECT: rate, connect-to-CONNACK, TLS-only time. */
  CONNECT,
  /** P publishers to S subscribers: rate, loss, duplicates, acknowledged but never delivered. */
  THROUGHPUT,
  /** Fixed-rate end-to-end latency from intended send times, as HdrHistogram percentiles. */
  LATENCY,
  /** N connections held open: broker memory and CPU per idle connection. */
  IDLE,
  /** Bytes on the wire per message: TLS against plain MQTT, flushed one by one against batched. */
  WIRE;

  /** The scenario's name as the command line spells it. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
