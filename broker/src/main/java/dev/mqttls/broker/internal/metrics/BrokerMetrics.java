package dev.mqttls.broker.internal.metrics;

import dev.mqttls.broker.BrokerTelemetry;
import dev.mqttls.broker.CertificateExpiry;
import dev.mqttls.broker.ConnectedClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one metrics object of a running broker; thread-safe. Connections and flows call its small
 * {@code on...} methods; {@link BrokerTelemetry} readers see the meters, clients and certificates.
 */
public final class BrokerMetrics implements BrokerTelemetry {
  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final Duration expiryWarning;
  private volatile Supplier<Optional<String>> readiness = () -> Optional.of("starting");

  public BrokerMetrics(Duration expiryWarning) {
    this.expiryWarning = expiryWarning;
  }

  /** The registry the broker's meters are registered in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Sets how readiness is judged (by the runtime, once its parts exist). */
  public void readiness(Supplier<Optional<String>> check) {
    this.readiness = check;
  }

  @Override
  public void publishTo(MeterRegistry r) {
    registry.add(r);
  }

  @Override
  public void unpublish(MeterRegistry r) {
    registry.remove(r);
  }

  @Override
  public Optional<String> notReady() {
    return readiness.get();
  }

  @Override
  public Duration expiryWarning() {
    return expiryWarning;
  }

  @Override
  public List<ConnectedClient> connectedClients() {
    return List.of();
  }

  @Override
  public List<ConnectedClient> clientsWithCertificateExpiringSoon() {
    return List.of();
  }

  @Override
  public List<CertificateExpiry> certificates() {
    return List.of();
  }
}
