package dev.mqttls.bridge;

import dev.mqttls.codec.Qos;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.TopicName;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.Directive;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code topic pattern [[[ out | in | both ] qos-level] local-prefix remote-prefix]} line of a
 * bridge, with mosquitto's remapping rules (mosquitto.conf(5), "topic"): the bridge subscribes to
 * {@code local-prefix + pattern} on the local broker (out) and to {@code remote-prefix + pattern}
 * on the remote one (in); a message crossing has the prefix of its side removed and the other
 * side's added. {@code ""} stands for an empty pattern or prefix; an empty pattern with both
 * prefixes maps one topic to another.
 *
 * @param pattern the pattern, empty for a single remapped topic
 * @param direction which way messages cross
 * @param qos the QoS of the bridge's subscriptions for this pattern (messages cross at most at it)
 * @param localPrefix the local prefix, empty for none
 * @param remotePrefix the remote prefix, empty for none
 */
public record BridgeTopic(
    String pattern, Direction direction, Qos qos, String localPrefix, String remotePrefix) {

  /** Which way messages matching a pattern cross the bridge. */
  public enum Direction {
    /** From the remote broker to the local one. */
    IN,
    /** From the local broker to the remote one. */
    OUT,
    /** Both ways. */
    BOTH;

    /** Whether local messages cross to the remote broker. */
    public boolean out() {
      return this != IN;
    }

    /** Whether remote messages cross to the local broker. */
    public boolean in() {
      return this != OUT;
    }
  }

  /**
   * Checks the combination as mosquitto does.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public BridgeTopic {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(localPrefix, "localPrefix");
    Objects.requireNonNull(remotePrefix, "remotePrefix");
    if (pattern.isEmpty() && (localPrefix.isEmpty() || remotePrefix.isEmpty())) {
      throw new IllegalArgumentException(
          "an empty pattern (\"\") needs both a local and a remote prefix: it maps the one topic"
              + " local-prefix to remote-prefix");
    }
    checkPrefix("local prefix", localPrefix);
    checkPrefix("remote prefix", remotePrefix);
    checkFilter("local", localPrefix + pattern);
    checkFilter("remote", remotePrefix + pattern);
  }

  private static void checkPrefix(String what, String prefix) {
    if (!prefix.isEmpty() && (prefix.contains("+") || prefix.contains("#"))) {
      throw new IllegalArgumentException(what + " '" + prefix + "' may not hold + or #");
    }
  }

  private static void checkFilter(String side, String filter) {
    String problem = TopicFilter.problem(filter);
    if (problem != null) {
      throw new IllegalArgumentException(
          "the full "
              + side
              + " topic '"
              + filter
              + "' "
              + problem
              + "; does a prefix end in '/'?");
    }
  }

  /**
   * Reads a {@code topic} line as mosquitto does: the direction defaults to {@code out}, the QoS to
   * 0; {@code ""} is an empty pattern or prefix.
   *
   * @throws ConfException {@code FILE:LINE: topic: what is wrong}
   */
  public static BridgeTopic parse(Directive d) throws ConfException {
    List<String> w = d.words(1, 5);
    String pattern = empty(w.get(0));
    Direction direction = Direction.OUT;
    if (w.size() > 1) {
      direction =
          switch (w.get(1)) {
            case "out" -> Direction.OUT;
            case "in" -> Direction.IN;
            case "both" -> Direction.BOTH;
            default ->
                throw d.error(
                    "direction must be in, out or both, got '"
                        + w.get(1)
                        + "' (topic PATTERN [in|out|both [QOS [LOCAL_PREFIX REMOTE_PREFIX]]])");
          };
    }
    Qos qos = Qos.AT_MOST_ONCE;
    if (w.size() > 2) {
      qos = Qos.of((int) d.integer(w.get(2), 0, 2));
    }
    String local = w.size() > 3 ? empty(w.get(3)) : "";
    String remote = w.size() > 4 ? empty(w.get(4)) : "";
    try {
      return new BridgeTopic(pattern, direction, qos, local, remote);
    } catch (IllegalArgumentException e) {
      throw d.error(e.getMessage());
    }
  }

  private static String empty(String word) {
    return word.equals("\"\"") ? "" : word;
  }

  /** The filter the bridge subscribes to on the local broker (for {@code out} and {@code both}). */
  public String localFilter() {
    return localPrefix + pattern;
  }

  /** The filter the bridge subscribes to on the remote broker (for {@code in} and {@code both}). */
  public String remoteFilter() {
    return remotePrefix + pattern;
  }

  /**
   * The remote topic for local {@code topic}, if this pattern carries it out: the local prefix
   * removed, the remote prefix added.
   */
  public Optional<String> toRemote(String topic) {
    if (!direction.out() || !matches(localFilter(), topic)) {
      return Optional.empty();
    }
    return remap(topic, localPrefix, remotePrefix);
  }

  /**
   * The local topic for remote {@code topic}, if this pattern carries it in: the remote prefix
   * removed, the local prefix added.
   */
  public Optional<String> toLocal(String topic) {
    if (!direction.in() || !matches(remoteFilter(), topic)) {
      return Optional.empty();
    }
    return remap(topic, remotePrefix, localPrefix);
  }

  private static boolean matches(String filter, String topic) {
    return TopicName.problem(topic) == null && TopicFilter.of(filter).matches(TopicName.of(topic));
  }

  private static Optional<String> remap(String topic, String from, String to) {
    String rest = topic.startsWith(from) ? topic.substring(from.length()) : topic;
    String mapped = to + rest;
    return TopicName.problem(mapped) == null ? Optional.of(mapped) : Optional.empty();
  }

  /** The line as mosquitto.conf writes it, {@code ""} for empty parts. */
  @Override
  public String toString() {
    return "topic "
        + shown(pattern)
        + " "
        + direction.name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + qos.code()
        + " "
        + shown(localPrefix)
        + " "
        + shown(remotePrefix);
  }

  private static String shown(String s) {
    return s.isEmpty() ? "\"\"" : s;
  }
}
