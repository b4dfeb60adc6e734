package dev.mqttls.admin.internal.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqttls.broker.CertificateExpiry;
import dev.mqttls.broker.ConnectedClient;
import dev.mqttls.broker.Refusal;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.broker.internal.view.AclDenial;
import dev.mqttls.broker.internal.view.ClientDetail;
import dev.mqttls.broker.internal.view.SessionSummary;
import dev.mqttls.tls.HandshakeFailureCause;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The dashboard API's JSON shapes, in one place. Times are milliseconds since the epoch; the page
 * formats them in the browser's time zone.
 */
final class ApiJson {
  private final ObjectMapper json;

  ApiJson(ObjectMapper json) {
    this.json = json;
  }

  ObjectMapper mapper() {
    return json;
  }

  ObjectNode figures(Figures f) {
    ObjectNode n = json.createObjectNode();
    n.put("at", f.at());
    n.put("connections", f.connections());
    n.put("publishIn", f.publishIn());
    n.put("publishOut", f.publishOut());
    n.put("handshakes", f.handshakes());
    ObjectNode causes = n.putObject("failuresByCause");
    f.failuresByCause().forEach(causes::put);
    return n;
  }

  /**
   * One row of the clients table: a connected client (with its TLS details) and its session's
   * counts; either may be missing (an offline persistent session has no connection).
   */
  ObjectNode client(
      String clientId,
      Optional<ConnectedClient> connected,
      Optional<SessionSummary> session,
      Instant now) {
    ObjectNode n = json.createObjectNode();
    n.put("clientId", clientId);
    n.put("online", connected.isPresent() || session.map(SessionSummary::online).orElse(false));
    connected.ifPresent(
        c -> {
          n.put("address", c.address());
          n.put("listener", c.listener());
          n.put("protocol", c.protocol());
          c.username().ifPresent(v -> n.put("username", v));
          c.identity().ifPresent(v -> n.put("identity", v));
          c.certificateSubject().ifPresent(v -> n.put("subject", v));
          c.tlsVersion().ifPresent(v -> n.put("tlsVersion", v));
          c.cipherSuite().ifPresent(v -> n.put("cipherSuite", v));
          c.certificateNotAfter()
              .ifPresent(
                  v -> {
                    n.put("certNotAfter", v.toEpochMilli());
                    n.put("certDaysLeft", daysLeft(now, v));
                  });
          n.put("connectedSince", c.connectedSince().toEpochMilli());
        });
    session.ifPresent(
        s -> {
          n.put("subscriptions", s.subscriptions());
          n.put("queued", s.queued());
          n.put("inFlight", s.inFlight());
        });
    return n;
  }

  /**
   * A client's page: its row, subscriptions and in-flight window, and what was refused it lately,
   * newest first: its refused CONNECTs (the broker's refusal feed) and ACL denials together.
   */
  ObjectNode clientDetail(
      ObjectNode row,
      Optional<ClientDetail> detail,
      List<Refusal> connects,
      List<AclDenial> denials,
      int limit) {
    detail.ifPresent(
        d -> {
          ArrayNode subs = row.putArray("subscriptionList");
          for (ClientDetail.Subscription s : d.subscriptions()) {
            ObjectNode o = subs.addObject();
            o.put("filter", s.filter());
            o.put("qos", s.qos());
            o.put("noLocal", s.noLocal());
            o.put("retainAsPublished", s.retainAsPublished());
            o.put("retainHandling", s.retainHandling());
            if (s.subscriptionId() != 0) {
              o.put("subscriptionId", s.subscriptionId());
            }
          }
          ArrayNode inflight = row.putArray("inFlightList");
          for (Session.InFlightMessage m : d.inFlight()) {
            ObjectNode o = inflight.addObject();
            o.put("packetId", m.packetId());
            o.put("topic", m.topic());
            o.put("qos", m.qos());
            o.put("awaiting", m.qos() == 1 ? "PUBACK" : m.released() ? "PUBCOMP" : "PUBREC");
          }
        });
    List<ObjectNode> refused = new ArrayList<>();
    for (Refusal r : connects) {
      ObjectNode o = json.createObjectNode();
      o.put("at", r.at().toEpochMilli());
      o.put("what", "CONNECT");
      o.put("reason", r.cause().replace('_', ' '));
      o.put("cause", r.detail());
      o.put("address", r.address());
      refused.add(o);
    }
    for (AclDenial d : denials) {
      ObjectNode o = json.createObjectNode();
      o.put("at", d.at().toEpochMilli());
      o.put("what", d.what());
      o.put("reason", "not authorized");
      o.put("cause", d.cause());
      o.put("address", d.address());
      refused.add(o);
    }
    refused.sort(Comparator.comparingLong((ObjectNode o) -> o.path("at").asLong()).reversed());
    ArrayNode a = row.putArray("refusals");
    refused.stream().limit(limit).forEach(a::add);
    return row;
  }

  /** The refused TLS handshakes among {@code refusals}, each with the doctor's remedy. */
  ArrayNode failures(List<Refusal> refusals) {
    ArrayNode a = json.createArrayNode();
    for (Refusal f : refusals) {
      if (f.kind() != Refusal.Kind.TLS_HANDSHAKE) {
        continue;
      }
      ObjectNode o = a.addObject();
      o.put("at", f.at().toEpochMilli());
      o.put("listener", f.listener());
      o.put("address", f.address());
      o.put("cause", f.cause());
      o.put("detail", f.detail());
      o.put("remedy", remedy(f.cause()));
    }
    return a;
  }

  /** The doctor's remedy for a handshake failure cause label ({@code HandshakeFailureCause}'s). */
  static String remedy(String causeLabel) {
    for (HandshakeFailureCause c : HandshakeFailureCause.values()) {
      if (c.name().equalsIgnoreCase(causeLabel)) {
        return c.remedy();
      }
    }
    return "";
  }

  ObjectNode certificates(
      List<CertificateExpiry> own, List<ConnectedClient> devices, Duration warning, Instant now) {
    ObjectNode n = json.createObjectNode();
    n.put("warningDays", warning.toDays());
    ArrayNode items = n.putArray("items");
    for (CertificateExpiry c : own) {
      ObjectNode o = items.addObject();
      o.put("listener", c.listener());
      o.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
      o.put("subject", c.subject());
      o.put("file", c.file().toString());
      o.put("notAfter", c.notAfter().toEpochMilli());
      o.put("daysLeft", daysLeft(now, c.notAfter()));
    }
    ArrayNode d = n.putArray("devices");
    for (ConnectedClient c : devices) {
      ObjectNode o = d.addObject();
      o.put("clientId", c.clientId());
      c.identity().ifPresent(v -> o.put("identity", v));
      c.certificateSubject().ifPresent(v -> o.put("subject", v));
      Instant end = c.certificateNotAfter().orElseThrow();
      o.put("notAfter", end.toEpochMilli());
      o.put("daysLeft", daysLeft(now, end));
    }
    return n;
  }

  /** Whole days left, rounded down; negative once past. */
  static long daysLeft(Instant now, Instant end) {
    return Math.floorDiv(Duration.between(now, end).toSeconds(), 86_400L);
  }
}
