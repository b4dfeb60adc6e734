package dev.mqttls.doctor;

import dev.mqttls.doctor.internal.ProbeRunner;
import java.time.Instant;

/**
 * Probes a broker the way a device connects to it, step by step (connect, protocol on the port, TLS
 * versions, chain, verification, client authentication, MQTT, cost), and returns a {@link Report}
 * with one or more findings per step. A probe never throws for anything the broker or the network
 * does: every outcome is a finding. It blocks the calling thread for at most a few timeouts per
 * step.
 */
public final class Probe {
  private Probe() {}

  /** Runs a probe with the given options. */
  public static Report run(ProbeOptions options) {
    return new ProbeRunner(options, Instant.now(), false).run();
  }

  /**
   * Runs a probe as if the clock said {@code now} (to show what a device with a wrong clock sees).
   */
  public static Report run(ProbeOptions options, Instant now) {
    return new ProbeRunner(options, now, true).run();
  }
}
