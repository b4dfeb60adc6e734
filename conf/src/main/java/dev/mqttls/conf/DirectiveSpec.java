package dev.mqttls.conf;

import java.time.Duration;
import java.util.Objects;

/**
 * What the catalogue knows of one directive: where it belongs, what its value looks like, whether
 * mqttls supports it, and what mosquitto.conf(5) says it means.
 *
 * @param name the directive's name
 * @param section where it belongs: before any listener, or in a listener's block
 * @param kind the form of its value
 * @param support what the mqttls broker does with it
 * @param mosquitto whether it is one of mosquitto's directives; false for mqttls's own
 * @param min the smallest value of an {@link Kind#INTEGER} or {@link Kind#BYTES}; else 0
 * @param max the largest value of an {@link Kind#INTEGER} or {@link Kind#BYTES}; else 0
 * @param example a valid value, as written in a file (for documentation and tests)
 * @param meaning its documented meaning in one short line: mosquitto.conf(5)'s for mosquitto's
 *     directives, ours for mqttls's own
 */
public record DirectiveSpec(
    String name,
    Section section,
    Kind kind,
    Support support,
    boolean mosquitto,
    long min,
    long max,
    String example,
    String meaning) {

  /** Where a directive belongs. */
  public enum Section {
    /** Applies to the whole broker wherever it is written. */
    GLOBAL,
    /**
     * Applies to the listener above it (the default listener before the first {@code listener}).
     */
    LISTENER,
    /** Applies to the bridge {@code connection} above it. */
    BRIDGE
  }

  /** The form of a directive's value. */
  public enum Kind {
    /** {@code true} or {@code false} ({@link Directive#bool()}). */
    FLAG,
    /** A whole number in [min, max] ({@link Directive#integer(long, long)}). */
    INTEGER,
    /** A byte count in [min, max] ({@link Directive#bytes(long, long)}). */
    BYTES,
    /** A period such as {@code 2d} ({@link Directive#period()}). */
    PERIOD,
    /** A timeout such as {@code 10s} or {@code 500ms} ({@link Directive#timeout}). */
    TIMEOUT,
    /** A file or directory ({@link Directive#path(java.nio.file.Path)}). */
    PATH,
    /** Free text, the whole rest of the line ({@link Directive#string()}). */
    STRING,
    /** One word from a fixed set or of a fixed form, checked by the directive's owner. */
    WORD,
    /** Several words, checked by the directive's owner (e.g. {@code listener PORT [ADDRESS]}). */
    WORDS
  }

  /** What the mqttls broker does with a directive. */
  public enum Support {
    /** Read and honoured. */
    SUPPORTED,
    /** Read and checked, without effect in mqttls (the line explains why), for compatibility. */
    IGNORED,
    /** Known from mosquitto, refused at start-up: a later version adds it. */
    NOT_YET
  }

  public DirectiveSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(support, "support");
    Objects.requireNonNull(example, "example");
    Objects.requireNonNull(meaning, "meaning");
  }

  /** Whether the broker starts with this directive in its file (supported or ignored). */
  public boolean accepted() {
    return support != Support.NOT_YET;
  }

  /**
   * Checks {@code d}'s value as the mqttls broker takes it: its form by {@link #kind()}, then what
   * the broker refuses beyond the form (e.g. {@code protocol http}, an unknown {@code log_type}, a
   * unix socket {@code listener}). A TLS directive's own rules (e.g. the words {@code tls_version}
   * takes) are the TLS settings', which the broker and the linter both apply.
   *
   * @throws ConfException naming the line when the value does not fit
   */
  public void check(Directive d) throws ConfException {
    switch (kind) {
      case FLAG -> d.bool();
      case INTEGER -> d.integer(min, max);
      case BYTES -> d.bytes(min, max);
      case PERIOD -> d.period();
      case TIMEOUT -> d.timeout(Duration.ofMillis(1), Duration.ofMinutes(10));
      case PATH -> d.path(null);
      case STRING -> d.string();
      case WORDS -> {}
      case WORD -> d.word();
    }
    if (support != Support.NOT_YET) {
      ValueRules.check(d);
    }
  }

  /**
   * {@code d}'s value as an {@link Kind#INTEGER} or {@link Kind#BYTES} within this spec's range.
   */
  public long integer(Directive d) throws ConfException {
    if (kind != Kind.INTEGER && kind != Kind.BYTES) {
      throw new IllegalStateException(name + " is not a number directive");
    }
    return d.integer(min, max);
  }
}
