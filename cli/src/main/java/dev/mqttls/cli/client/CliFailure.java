package dev.mqttls.cli.client;

/**
 * A failure the command reports in one line and exits with {@link #exitCode()}; no stack trace (a
 * user's mistake, not our bug).
 */
public final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CliFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
