package dev.mqttls.admin;

import dev.mqttls.admin.internal.AdminContext;
import dev.mqttls.admin.internal.RouteSets;
import dev.mqttls.admin.internal.http.AdminHttpServer;
import dev.mqttls.admin.internal.http.BasicAuth;
import dev.mqttls.admin.internal.http.HttpRoute;
import dev.mqttls.admin.internal.http.RouteSet;
import dev.mqttls.broker.Broker;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.internal.security.PasswordFile;
import dev.mqttls.tls.TlsMaterial;
import dev.mqttls.tls.TlsMaterialException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's HTTP listener: {@code /metrics}, {@code /healthz}, {@code /readyz} and the
 * dashboard, with optional HTTPS and basic authentication ({@link AdminConfig}). Start it after the
 * broker; close it before. Safe to use from any thread.
 *
 * <pre>{@code
 * try (Broker broker = Broker.start(config);
 *     AdminServer admin = AdminServer.start(AdminConfig.loopback(9090), broker)) {
 *   ... admin.url() ...
 * }
 * }</pre>
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.admin");

  private final AdminHttpServer http;
  private final PrometheusMeterRegistry registry;
  private final Broker broker;
  private final boolean tls;

  private AdminServer(
      AdminHttpServer http, PrometheusMeterRegistry registry, Broker broker, boolean tls) {
    this.http = http;
    this.registry = registry;
    this.broker = broker;
    this.tls = tls;
  }

  /** As {@link #start(AdminConfig, Broker, List)} without extra readiness checks. */
  public static AdminServer start(AdminConfig config, Broker broker) {
    return start(config, broker, List.of());
  }

  /**
   * Reads the listener's TLS material and password file, binds its address and starts serving.
   *
   * @param readiness conditions {@code /readyz} requires besides the broker's own
   * @throws AdminStartException naming the file or address at fault; nothing is left running
   */
  public static AdminServer start(
      AdminConfig config, Broker broker, List<ReadinessCheck> readiness) {
    SslContext ssl = config.tls() ? sslContext(config) : null;
    BasicAuth auth = null;
    if (config.passwordFile().isPresent()) {
      try {
        auth = new BasicAuth(PasswordFile.read(config.passwordFile().get()));
      } catch (ConfigException e) {
        throw new AdminStartException("http_password_file: " + e.getMessage(), e);
      }
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    broker.telemetry().publishTo(registry);
    AdminContext context = new AdminContext(broker, config, registry, readiness);
    List<HttpRoute> routes = new ArrayList<>();
    for (RouteSet s : RouteSets.all()) {
      routes.addAll(s.routes(context));
    }
    InetSocketAddress address =
        config
            .address()
            .map(a -> new InetSocketAddress(a, config.port()))
            .orElseGet(() -> new InetSocketAddress(config.port()));
    AdminHttpServer http;
    try {
      http = AdminHttpServer.start(address, ssl, auth, routes);
    } catch (AdminStartException e) {
      broker.telemetry().unpublish(registry);
      registry.close();
      throw e;
    }
    AdminServer s = new AdminServer(http, registry, broker, config.tls());
    LOG.info(
        "Admin HTTP listener on {} (metrics {}/metrics{})",
        s.url(),
        s.url(),
        auth == null ? "" : ", basic authentication");
    return s;
  }

  private static SslContext sslContext(AdminConfig config) {
    try {
      TlsMaterial m =
          TlsMaterial.load(config.certFile().orElseThrow(), config.keyFile().orElseThrow(), null);
      return SslContextBuilder.forServer(m.privateKey(), m.chain().toArray(new X509Certificate[0]))
          .build();
    } catch (TlsMaterialException e) {
      throw new AdminStartException("http_certfile/http_keyfile: " + e.getMessage(), e);
    } catch (SSLException e) {
      throw new AdminStartException(
          "http_certfile/http_keyfile: cannot build the HTTPS context: " + e.getMessage(), e);
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:9090}. */
  public String url() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (tls ? "https://" : "http://") + host + ":" + a.getPort();
  }

  /** The bound address (the real port when 0 was configured). */
  public InetSocketAddress address() {
    return http.address();
  }

  /** Stops serving and detaches the Prometheus registry from the broker's meters. */
  @Override
  public void close() {
    http.close();
    broker.telemetry().unpublish(registry);
    registry.close();
  }
}
