package dev.mqttls.doctor;

/** How a {@link Finding} bears on the connection. */
public enum Status {
  /** The check passed: a device doing the same would get past this step. */
  PASS,
  /** The check failed: a device doing the same would fail here. */
  FAIL,
  /** It works now, but is fragile, insecure, or will break for some devices or soon. */
  WARN,
  /**
   * A fact worth knowing (the chain, the negotiated suite, a cost figure); neither good nor bad.
   */
  INFO
}
