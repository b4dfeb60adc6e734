package dev.mqttls.doctor;

import java.util.List;
import java.util.Objects;

/**
 * One result of one check: a stable {@link FindingCode}, a {@link Status}, a plain sentence saying
 * what was found, and a remedy saying what to change (empty when there is nothing to do).
 *
 * @param code the stable code
 * @param status pass, fail, warn or info
 * @param message one or two plain sentences, never containing a secret
 * @param remedy what to change, or the empty string
 * @param details extra lines (for example one per certificate field), possibly empty
 */
public record Finding(
    FindingCode code, Status status, String message, String remedy, List<String> details) {

  /** Validates and copies. */
  public Finding {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    remedy = remedy == null ? "" : remedy;
    details = details == null ? List.of() : List.copyOf(details);
  }

  /** A finding without details. */
  public static Finding of(FindingCode code, Status status, String message, String remedy) {
    return new Finding(code, status, message, remedy, List.of());
  }

  /** A passing finding without remedy. */
  public static Finding pass(FindingCode code, String message) {
    return of(code, Status.PASS, message, "");
  }

  /** A failing finding. */
  public static Finding fail(FindingCode code, String message, String remedy) {
    return of(code, Status.FAIL, message, remedy);
  }

  /** A warning. */
  public static Finding warn(FindingCode code, String message, String remedy) {
    return of(code, Status.WARN, message, remedy);
  }

  /** A fact. */
  public static Finding info(FindingCode code, String message) {
    return of(code, Status.INFO, message, "");
  }

  /** The step this finding belongs to. */
  public Step step() {
    return code.step();
  }

  /** This finding with extra detail lines. */
  public Finding withDetails(List<String> moreDetails) {
    return new Finding(code, status, message, remedy, moreDetails);
  }
}
