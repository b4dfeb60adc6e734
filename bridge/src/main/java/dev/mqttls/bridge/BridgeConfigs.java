package dev.mqttls.bridge;

import dev.mqttls.bridge.BridgeConfig.StartType;
import dev.mqttls.client.ServerAddress;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.ClientId;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.TopicName;
import dev.mqttls.conf.Catalogue;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfFile;
import dev.mqttls.conf.Directive;
import dev.mqttls.conf.DirectiveSpec;
import dev.mqttls.conf.DirectiveSpec.Section;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the bridges of a {@code mosquitto.conf}-syntax file: every {@code connection} block, with
 * mosquitto's defaults. The file is the broker's own ({@code conf} reads it once); this class takes
 * the bridge directives and leaves the rest to the broker.
 */
public final class BridgeConfigs {
  private BridgeConfigs() {}

  /**
   * The bridges of {@code file}, in order; empty when it has no {@code connection} line.
   *
   * @throws ConfException {@code FILE:LINE: directive: what is wrong}, naming the first line that
   *     mqttls's bridges cannot take
   */
  public static List<BridgeConfig> parse(ConfFile file) throws ConfException {
    return parse(file, localHostName());
  }

  /** As {@link #parse(ConfFile)}, with {@code hostname} for the default client ids. */
  static List<BridgeConfig> parse(ConfFile file, String hostname) throws ConfException {
    List<Draft> drafts = new ArrayList<>();
    for (Directive d : file.directives()) {
      Optional<DirectiveSpec> spec = Catalogue.lookup(d.name());
      if (d.name().equals("connection")) {
        String name = d.word();
        for (Draft o : drafts) {
          if (o.name.equals(name)) {
            throw d.error("a bridge called '" + name + "' is already defined at " + o.where);
          }
        }
        drafts.add(new Draft(name, d));
      } else if (spec.isPresent() && spec.get().section() == Section.BRIDGE) {
        if (drafts.isEmpty()) {
          throw d.error("belongs to a bridge: put it after a 'connection NAME' line");
        }
        drafts.get(drafts.size() - 1).apply(d);
      }
    }
    List<BridgeConfig> out = new ArrayList<>();
    Map<String, String> localIds = new HashMap<>();
    for (Draft draft : drafts) {
      BridgeConfig b = draft.build(hostname);
      String other = localIds.putIfAbsent(b.localClientId(), b.name());
      if (other != null) {
        throw draft.connection.error(
            "local_clientid '"
                + b.localClientId()
                + "' is also bridge "
                + other
                + "'s; set local_clientid (or remote_clientid) of one of them");
      }
      out.add(b);
    }
    return List.copyOf(out);
  }

  /** This computer's name, as mosquitto's {@code gethostname()} gives it for default ids. */
  static String localHostName() {
    try {
      String h = InetAddress.getLocalHost().getHostName();
      int dot = h.indexOf('.');
      return dot > 0 ? h.substring(0, dot) : h;
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** One connection block as read so far. */
  private static final class Draft {
    final String name;
    final Directive connection;
    final String where;
    final List<ServerAddress> addresses = new ArrayList<>();
    Directive addressLine;
    final List<BridgeTopic> topics = new ArrayList<>();
    Path cafile;
    Path capath;
    Path certfile;
    Path keyfile;
    Directive certLine;
    Directive tlsOnlyLine;
    boolean insecure;
    String alpn;
    List<String> tlsVersions;
    MqttVersion version = MqttVersion.V3_1_1;
    String remoteClientId;
    String remoteUsername;
    byte[] remotePassword;
    Directive passwordLine;
    boolean cleanSession;
    Boolean localCleanSession;
    int keepAlive = 60;
    Duration restartBase = Duration.ofSeconds(5);
    Duration restartCap = Duration.ofSeconds(30);
    boolean tryPrivate = true;
    boolean notifications = true;
    boolean notificationsLocalOnly;
    String notificationTopic;
    StartType startType = StartType.AUTOMATIC;
    String localClientId;
    String localUsername;
    long maxPacketSize;
    boolean outgoingRetain = true;
    boolean attemptUnsubscribe = true;
    InetAddress bindAddress;

    Draft(String name, Directive connection) {
      this.name = name;
      this.connection = connection;
      this.where =
          connection.file().map(f -> f + ":" + connection.line()).orElse("connection " + name);
    }

    void apply(Directive d) throws ConfException {
      switch (d.name()) {
        case "address", "addresses" -> addresses(d);
        case "topic" -> topics.add(BridgeTopic.parse(d));
        case "bridge_cafile" -> cafile = d.path(null);
        case "bridge_capath" -> capath = d.path(null);
        case "bridge_certfile" -> {
          certfile = d.path(null);
          certLine = d;
        }
        case "bridge_keyfile" -> {
          keyfile = d.path(null);
          certLine = d;
        }
        case "bridge_insecure" -> {
          insecure = d.bool();
          tlsOnlyLine = insecure ? d : tlsOnlyLine;
        }
        case "bridge_alpn" -> {
          alpn = d.word();
          tlsOnlyLine = d;
        }
        case "bridge_tls_version" -> {
          tlsVersions =
              switch (d.word()) {
                case "tlsv1.3" -> List.of("TLSv1.3");
                case "tlsv1.2" -> List.of("TLSv1.3", "TLSv1.2");
                case "tlsv1.1" ->
                    throw d.error("tlsv1.1 is not offered by mqttls; use tlsv1.2 or tlsv1.3");
                default -> throw d.error("must be tlsv1.2 or tlsv1.3, got '" + d.word() + "'");
              };
          tlsOnlyLine = d;
        }
        case "bridge_protocol_version" ->
            version =
                switch (d.word()) {
                  case "mqttv50" -> MqttVersion.V5;
                  case "mqttv311" -> MqttVersion.V3_1_1;
                  case "mqttv31" -> MqttVersion.V3_1;
                  default ->
                      throw d.error("must be mqttv50, mqttv311 or mqttv31, got '" + d.word() + "'");
                };
        case "remote_clientid" -> remoteClientId = clientId(d);
        case "local_clientid" -> localClientId = clientId(d);
        case "remote_username" -> remoteUsername = d.string();
        case "remote_password" -> {
          remotePassword = d.string().getBytes(StandardCharsets.UTF_8);
          passwordLine = d;
        }
        case "local_username" -> localUsername = d.word();
          // The in-process endpoint trusts the local user name without a password.
        case "local_password" -> d.string();
        case "cleansession" -> cleanSession = d.bool();
        case "local_cleansession" -> localCleanSession = d.bool();
        case "keepalive_interval" ->
            // mosquitto raises a lower value to 5 seconds
            keepAlive = (int) Math.max(5, d.integer(0, 65_535));
        case "restart_timeout" -> restartTimeout(d);
        case "try_private" -> tryPrivate = d.bool();
        case "notifications" -> notifications = d.bool();
        case "notifications_local_only" -> notificationsLocalOnly = d.bool();
        case "notification_topic" -> {
          String t = d.word();
          String problem = TopicName.problem(t);
          if (problem != null) {
            throw d.error("'" + t + "' is not a topic name: it " + problem);
          }
          notificationTopic = t;
        }
        case "start_type" ->
            startType =
                switch (d.word()) {
                  case "automatic" -> StartType.AUTOMATIC;
                  case "once" -> StartType.ONCE;
                  case "lazy" ->
                      throw d.error(
                          "lazy is not supported: mqttls's bridges connect at start-up; use"
                              + " automatic (reconnects) or once");
                  default ->
                      throw d.error("must be automatic, lazy or once, got '" + d.word() + "'");
                };
        case "bridge_max_packet_size" -> maxPacketSize = d.integer(0, Integer.MAX_VALUE);
        case "bridge_outgoing_retain" -> outgoingRetain = d.bool();
        case "bridge_attempt_unsubscribe" -> attemptUnsubscribe = d.bool();
        case "bridge_bind_address" -> {
          String a = d.word();
          try {
            bindAddress = InetAddress.getByName(a);
          } catch (UnknownHostException e) {
            throw d.error("'" + a + "' is not a local address");
          }
        }
        case "round_robin" -> {
          if (d.bool()) {
            throw d.error(
                "true is not supported: each reconnect tries the addresses from the first"
                    + " (round_robin false); remove the line or set it to false");
          }
        }
          // Only for start_type lazy, which mqttls refuses; checked for form only.
        case "idle_timeout", "threshold" -> d.integer(0, Integer.MAX_VALUE);
        case "bridge_identity", "bridge_psk" ->
            throw d.error(
                "TLS-PSK bridges are not yet supported (the client library has no PSK engine);"
                    + " use bridge_certfile and bridge_keyfile");
        case "bridge_require_ocsp" ->
            throw d.error("not yet supported: the client library does not check OCSP stapling");
        default -> throw d.error("is a bridge directive mqttls does not know how to apply");
      }
    }

    private void addresses(Directive d) throws ConfException {
      if (addressLine != null) {
        throw d.error(
            "this bridge's addresses are already given at line "
                + addressLine.line()
                + "; list them all on one line");
      }
      addressLine = d;
      List<String> words = d.words(1, 64);
      for (String w : words) {
        addresses.add(address(d, w));
      }
    }

    private static ServerAddress address(Directive d, String w) throws ConfException {
      String host = w;
      int port = 1883;
      int colon = w.lastIndexOf(':');
      boolean bracketed = w.startsWith("[");
      if (bracketed) {
        int close = w.indexOf(']');
        if (close < 0) {
          throw d.error("'" + w + "' opens [ without closing it");
        }
        host = w.substring(1, close);
        if (close + 1 < w.length()) {
          if (w.charAt(close + 1) != ':') {
            throw d.error("'" + w + "' is not [ADDRESS]:PORT");
          }
          port = (int) d.integer(w.substring(close + 2), 1, 65_535);
        }
      } else if (colon >= 0) {
        // as in mosquitto, an IPv6 address needs its port, after the last colon
        host = w.substring(0, colon);
        port = (int) d.integer(w.substring(colon + 1), 1, 65_535);
      }
      try {
        return new ServerAddress(host, port);
      } catch (IllegalArgumentException e) {
        throw d.error("'" + w + "': " + e.getMessage());
      }
    }

    private void restartTimeout(Directive d) throws ConfException {
      List<String> w = d.words(1, 2);
      long base = d.integer(w.get(0), 1, 86_400);
      long cap = w.size() == 2 ? d.integer(w.get(1), 1, 86_400) : base;
      if (cap < base) {
        throw d.error(
            "the cap " + cap + " is below the base " + base + " (restart_timeout BASE CAP)");
      }
      restartBase = Duration.ofSeconds(base);
      restartCap = Duration.ofSeconds(cap);
    }

    private static String clientId(Directive d) throws ConfException {
      String id = d.word();
      try {
        new ClientId(id);
      } catch (IllegalArgumentException e) {
        throw d.error(e.getMessage());
      }
      return id;
    }

    BridgeConfig build(String hostname) throws ConfException {
      if (addresses.isEmpty()) {
        throw connection.error(
            "bridge " + name + " has no address; add 'address HOST[:PORT]' after this line");
      }
      if (passwordLine != null && remoteUsername == null) {
        throw passwordLine.error("needs remote_username as well (as in mosquitto)");
      }
      boolean tlsOn = cafile != null || capath != null;
      if (!tlsOn && certLine != null) {
        throw certLine.error(
            "needs bridge_cafile or bridge_capath: a bridge uses TLS only with one of them");
      }
      if (!tlsOn && tlsOnlyLine != null) {
        throw tlsOnlyLine.error(
            "needs bridge_cafile or bridge_capath: a bridge uses TLS only with one of them");
      }
      if ((certfile == null) != (keyfile == null)) {
        throw certLine.error("bridge_certfile and bridge_keyfile go together; give both");
      }
      Optional<TlsConfig> tls = Optional.empty();
      if (tlsOn) {
        TlsConfig.Builder t = TlsConfig.builder();
        if (cafile != null) {
          t.caFile(cafile);
        }
        if (capath != null) {
          t.caPath(capath);
        }
        if (certfile != null) {
          t.certFile(certfile).keyFile(keyfile);
        }
        if (insecure) {
          t.insecure();
        }
        if (alpn != null) {
          t.alpn(List.of(alpn));
        }
        if (tlsVersions != null) {
          t.protocols(tlsVersions);
        }
        tls = Optional.of(t.build());
      }
      String remoteId = remoteClientId != null ? remoteClientId : hostname + "." + name;
      String localId = localClientId != null ? localClientId : "local." + remoteId;
      if (version == MqttVersion.V3_1 && remoteId.length() > 23) {
        throw connection.error(
            "mqttv31 takes client ids of at most 23 characters; '"
                + remoteId
                + "' is longer: set remote_clientid");
      }
      return new BridgeConfig(
          name,
          where,
          addresses,
          topics,
          tls,
          version,
          remoteId,
          Optional.ofNullable(remoteUsername),
          Optional.ofNullable(remotePassword),
          cleanSession,
          localCleanSession != null ? localCleanSession : cleanSession,
          keepAlive,
          restartBase,
          restartCap,
          tryPrivate,
          notifications,
          notificationsLocalOnly,
          notificationTopic != null
              ? notificationTopic
              : "$SYS/broker/connection/" + remoteId + "/state",
          startType,
          localId,
          Optional.ofNullable(localUsername),
          maxPacketSize,
          outgoingRetain,
          attemptUnsubscribe,
          Optional.ofNullable(bindAddress));
    }
  }
}
