package dev.mqttls.conf;

import java.util.List;

/**
 * What the mqttls broker refuses in a value beyond its form (a value that parses but that mqttls
 * does not take), kept here so that the broker and the linter refuse the same values with the same
 * words. The TLS directives' rules live with the TLS settings, which both also share.
 */
final class ValueRules {
  /** mosquitto's log types, in its order; {@code websockets} is accepted and has no lines here. */
  static final List<String> LOG_TYPES =
      List.of(
          "error",
          "warning",
          "notice",
          "information",
          "subscribe",
          "unsubscribe",
          "debug",
          "websockets",
          "all",
          "none");

  private ValueRules() {}

  static void check(Directive d) throws ConfException {
    switch (d.name()) {
      case "listener" -> {
        List<String> w = d.words(1, 2);
        d.integer(w.get(0), 0, 65535);
        if (w.size() == 2 && w.get(1).startsWith("/")) {
          throw d.error("unix sockets are not supported; give a host name or IP address");
        }
      }
      case "protocol" -> {
        String p = d.word();
        if (!p.equals("mqtt") && !p.equals("websockets")) {
          throw d.error("unknown protocol '" + p + "'; use mqtt or websockets");
        }
      }
      case "max_queued_messages" -> {
        if (d.integer(0, Integer.MAX_VALUE) == 0) {
          throw d.error("0 (no limit) is not supported: mqttls keeps every queue bounded");
        }
      }
      case "max_packet_size" -> {
        long n = d.bytes(0, Catalogue.MQTT_MAX_PACKET_SIZE);
        if (n != 0 && n < 20) {
          throw d.error("must be 0 (protocol maximum) or at least 20 bytes, got " + n);
        }
      }
      case "persistence_file" -> {
        String name = d.word();
        if (name.contains("/") || name.equals("..") || name.equals(".")) {
          throw d.error("persistence_file must be a plain name without '/', got '" + name + "'");
        }
      }
      case "log_type" -> {
        String t = d.word();
        if (!LOG_TYPES.contains(t)) {
          throw d.error(
              "unknown log type '"
                  + t
                  + "'; use error, warning, notice, information, subscribe, unsubscribe,"
                  + " debug, all or none");
        }
      }
      case "log_dest" -> logDest(d);
      default -> {}
    }
  }

  private static void logDest(Directive d) throws ConfException {
    List<String> w = d.words();
    if (w.isEmpty() || !w.get(0).equals("file")) {
      w = d.words(1, 2);
    }
    String t = w.get(0);
    switch (t) {
      case "stdout", "stderr", "none" -> {}
      case "file" -> logFile(d).path(null);
      case "syslog", "topic", "dlt" ->
          throw d.error("'" + t + "' is not supported; use stdout, stderr, file PATH or none");
      default ->
          throw d.error("unknown destination '" + t + "'; use stdout, stderr, file PATH or none");
    }
  }

  /**
   * The path of {@code log_dest file PATH} as a directive of its own place: as in mosquitto, the
   * rest of the line, which may hold spaces.
   */
  static Directive logFile(Directive d) throws ConfException {
    String rest = d.value().substring("file".length()).strip();
    if (rest.isEmpty()) {
      throw d.error("'file' needs a path: log_dest file /var/log/mqttls.log");
    }
    return d.withValue(rest);
  }
}
