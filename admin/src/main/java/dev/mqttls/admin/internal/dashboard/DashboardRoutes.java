package dev.mqttls.admin.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mqttls.admin.internal.AdminContext;
import dev.mqttls.admin.internal.http.AdminRequest;
import dev.mqttls.admin.internal.http.HttpRoute;
import dev.mqttls.admin.internal.http.RouteSet;
import dev.mqttls.broker.BrokerTelemetry;
import dev.mqttls.broker.ConnectedClient;
import dev.mqttls.broker.Refusal;
import dev.mqttls.broker.internal.view.AclDenial;
import dev.mqttls.broker.internal.view.BrokerView;
import dev.mqttls.broker.internal.view.SessionSummary;
import dev.mqttls.codec.TopicFilter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard under {@code /dashboard}: the page and its files, the JSON API under {@code
 * /dashboard/api} and two event streams (the overview's figures every second, a topic viewer's
 * messages). Read-only: every route answers GET and HEAD only.
 */
public final class DashboardRoutes implements RouteSet {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.admin");

  /** Where the dashboard is served; the admin listener's start-up line names it. */
  public static final String PATH = "/dashboard";

  private static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";

  /** How long a read of session state on the broker's loops may take before the page is told. */
  private static final long READ_TIMEOUT_MS = 2_000;

  private static final int REFUSALS_SHOWN = 20;
  private static final int DEVICES_SHOWN = 50;

  private final Clock clock;

  /** With the system clock. */
  public DashboardRoutes() {
    this(Clock.systemUTC());
  }

  DashboardRoutes(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<HttpRoute> routes(AdminContext context) {
    StaticFiles files = StaticFiles.load();
    ObjectMapper mapper = new ObjectMapper();
    Api api =
        new Api(context, new ApiJson(mapper), new TopicViewer(context.broker(), mapper, clock));
    return List.of(
        HttpRoute.of(PATH, readOnly(r -> page(r, files))),
        HttpRoute.of(PATH + "/api/events", readOnly(api::events)),
        HttpRoute.of(PATH + "/api/clients", readOnly(api::clients)),
        HttpRoute.of(PATH + "/api/client", readOnly(api::client)),
        HttpRoute.of(PATH + "/api/failures", readOnly(api::failures)),
        HttpRoute.of(PATH + "/api/certificates", readOnly(api::certificates)),
        HttpRoute.of(PATH + "/api/topics", readOnly(api::topics)));
  }

  private static dev.mqttls.admin.internal.http.HttpHandler readOnly(Consumer<AdminRequest> h) {
    return r -> {
      if (!r.method().equals(HttpMethod.GET) && !r.method().equals(HttpMethod.HEAD)) {
        r.respond(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "the dashboard is read-only\n");
        return;
      }
      h.accept(r);
    };
  }

  private static void page(AdminRequest r, StaticFiles files) {
    String rest = r.path().substring(PATH.length());
    if (rest.isEmpty()) {
      // Relative links in the page resolve against /dashboard/.
      io.netty.handler.codec.http.FullHttpResponse redirect =
          new io.netty.handler.codec.http.DefaultFullHttpResponse(
              io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
      redirect.headers().set(io.netty.handler.codec.http.HttpHeaderNames.LOCATION, PATH + "/");
      r.send(redirect);
      return;
    }
    String name = rest.equals("/") ? "index.html" : rest.substring(1);
    files.serve(r, name);
  }

  /** The API's handlers, over one admin context. */
  private final class Api {
    private final AdminContext context;
    private final ApiJson json;
    private final TopicViewer viewer;

    Api(AdminContext context, ApiJson json, TopicViewer viewer) {
      this.context = context;
      this.json = json;
      this.viewer = viewer;
    }

    private BrokerTelemetry telemetry() {
      return context.broker().telemetry();
    }

    private BrokerView view() {
      return context.broker().view();
    }

    /** The overview's figures now, then every second until the page goes away. */
    void events(AdminRequest r) {
      EventStream events = EventStream.open(r);
      Runnable tick =
          () ->
              events.send(
                  "figures",
                  json.figures(Figures.read(context.registry(), clock.millis()))
                      .put("lastFailureAt", lastFailureAt(telemetry().recentRefusals()))
                      .toString());
      ScheduledFuture<?> ticks =
          events.channel().eventLoop().scheduleAtFixedRate(tick, 0, 1, TimeUnit.SECONDS);
      events.channel().closeFuture().addListener(f -> ticks.cancel(false));
    }

    /** When the newest refused handshake happened (0: none), so the feed knows to reload. */
    private long lastFailureAt(List<Refusal> refusals) {
      return refusals.stream()
          .filter(f -> f.kind() == Refusal.Kind.TLS_HANDSHAKE)
          .findFirst()
          .map(f -> f.at().toEpochMilli())
          .orElse(0L);
    }

    void clients(AdminRequest r) {
      r.markAnswered();
      rows()
          .whenComplete(
              (rows, error) -> {
                if (error != null) {
                  unavailable(r, error);
                  return;
                }
                ArrayNode a = json.mapper().createArrayNode();
                rows.values().forEach(a::add);
                r.respond(HttpResponseStatus.OK, JSON, a.toString());
              });
    }

    /** Every client the broker knows, connected or holding a session, by client id. */
    private java.util.concurrent.CompletableFuture<
            Map<String, com.fasterxml.jackson.databind.node.ObjectNode>>
        rows() {
      Instant now = clock.instant();
      List<ConnectedClient> connected = telemetry().connectedClients();
      return view()
          .sessions()
          .toCompletableFuture()
          .orTimeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .thenApply(
              sessions -> {
                Map<String, ConnectedClient> byId = new LinkedHashMap<>();
                connected.stream()
                    .sorted(Comparator.comparing(ConnectedClient::clientId))
                    .forEach(c -> byId.put(c.clientId(), c));
                Map<String, SessionSummary> sessionsById = new LinkedHashMap<>();
                sessions.stream()
                    .sorted(Comparator.comparing(SessionSummary::clientId))
                    .forEach(s -> sessionsById.put(s.clientId(), s));
                Map<String, com.fasterxml.jackson.databind.node.ObjectNode> out =
                    new java.util.TreeMap<>();
                byId.forEach(
                    (id, c) ->
                        out.put(
                            id,
                            json.client(
                                id,
                                Optional.of(c),
                                Optional.ofNullable(sessionsById.get(id)),
                                now)));
                sessionsById.forEach(
                    (id, s) ->
                        out.computeIfAbsent(
                            id, k -> json.client(id, Optional.empty(), Optional.of(s), now)));
                return out;
              });
    }

    void client(AdminRequest r) {
      Optional<String> id = r.parameter("id");
      if (id.isEmpty()) {
        r.respond(HttpResponseStatus.BAD_REQUEST, TEXT, "give the client id as ?id=\n");
        return;
      }
      String clientId = id.get();
      r.markAnswered();
      Instant now = clock.instant();
      Optional<ConnectedClient> connected =
          telemetry().connectedClients().stream()
              .filter(c -> c.clientId().equals(clientId))
              .findFirst();
      view()
          .client(clientId, REFUSALS_SHOWN)
          .toCompletableFuture()
          .orTimeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .whenComplete(
              (detail, error) -> {
                if (error != null) {
                  unavailable(r, error);
                  return;
                }
                List<Refusal> connects =
                    telemetry().recentRefusals().stream()
                        .filter(x -> x.clientId().filter(clientId::equals).isPresent())
                        .toList();
                List<AclDenial> denials = view().denials(clientId, REFUSALS_SHOWN);
                if (connected.isEmpty()
                    && detail.isEmpty()
                    && connects.isEmpty()
                    && denials.isEmpty()) {
                  r.respond(HttpResponseStatus.NOT_FOUND, JSON, "{\"error\":\"no such client\"}");
                  return;
                }
                var row = json.client(clientId, connected, detail.map(d -> d.summary()), now);
                r.respond(
                    HttpResponseStatus.OK,
                    JSON,
                    json.clientDetail(row, detail, connects, denials, REFUSALS_SHOWN).toString());
              });
    }

    void failures(AdminRequest r) {
      r.respond(
          HttpResponseStatus.OK, JSON, json.failures(telemetry().recentRefusals()).toString());
    }

    void certificates(AdminRequest r) {
      List<ConnectedClient> devices =
          telemetry().connectedClients().stream()
              .filter(c -> c.certificateNotAfter().isPresent())
              .sorted(Comparator.comparing(c -> c.certificateNotAfter().get()))
              .limit(DEVICES_SHOWN)
              .toList();
      JsonNode n =
          json.certificates(
              telemetry().certificates(), devices, telemetry().expiryWarning(), clock.instant());
      r.respond(HttpResponseStatus.OK, JSON, n.toString());
    }

    void topics(AdminRequest r) {
      Optional<String> filter = r.parameter("filter");
      String why = filter.isEmpty() ? "give a topic filter as ?filter=" : validFilter(filter.get());
      if (why != null) {
        r.respond(
            HttpResponseStatus.BAD_REQUEST,
            JSON,
            json.mapper().createObjectNode().put("error", why).toString());
        return;
      }
      EventStream events = EventStream.open(r);
      String user = r.user().orElse(TopicViewer.DEFAULT_USER);
      viewer.stream(events, user, filter.get());
    }

    private void unavailable(AdminRequest r, Throwable error) {
      LOG.warn("admin: {}: the broker did not answer in time: {}", r.path(), error.toString());
      r.respond(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          JSON,
          "{\"error\":\"the broker did not answer in time\"}");
    }
  }

  /**
   * Null when {@code filter} is a valid MQTT topic filter the viewer may take, else why not. A
   * shared subscription is refused: the viewer would take its share of messages away from the
   * devices of that group.
   */
  static String validFilter(String filter) {
    String problem = TopicFilter.problem(filter);
    if (problem != null) {
      return "topic filter " + problem;
    }
    if (filter.startsWith("$share/")) {
      return "the topic viewer does not take shared subscriptions: it would take messages away"
          + " from the group's subscribers";
    }
    return null;
  }
}
