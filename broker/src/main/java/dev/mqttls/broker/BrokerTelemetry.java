package dev.mqttls.broker;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a running broker tells about itself, read-only: its meters (for a metrics registry such as
 * Prometheus's), the connected devices with their TLS details, the expiry of its own certificates,
 * CAs and CRLs, and whether it is ready to serve. Obtained from {@link Broker#telemetry()}; safe to
 * use from any thread. Every list is a snapshot taken when called.
 */
public interface BrokerTelemetry {

  /**
   * Makes every broker meter (and the JVM's and Netty's memory meters) also record into {@code
   * registry}, from now until {@link #unpublish(MeterRegistry)}.
   */
  void publishTo(MeterRegistry registry);

  /** Stops recording into a registry given to {@link #publishTo(MeterRegistry)}. */
  void unpublish(MeterRegistry registry);

  /** Empty when the broker can serve (every listener and the store open); else why not. */
  Optional<String> notReady();

  /** {@code cert_expiry_warning_days}: how close to its end a certificate is warned about. */
  Duration expiryWarning();

  /** Every connection that has completed CONNECT, in no particular order. */
  List<ConnectedClient> connectedClients();

  /**
   * The connected clients whose certificate ends within {@link #expiryWarning()}, soonest first.
   */
  List<ConnectedClient> clientsWithCertificateExpiringSoon();

  /**
   * The most recent refused TLS handshakes and CONNECTs (the last 200), newest first, with the
   * cause the log line named.
   */
  List<Refusal> recentRefusals();

  /** The server certificates, CAs and CRLs of every TLS listener, soonest end first. */
  List<CertificateExpiry> certificates();
}
