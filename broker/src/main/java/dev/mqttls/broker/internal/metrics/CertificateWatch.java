package dev.mqttls.broker.internal.metrics;

import dev.mqttls.broker.CertificateExpiry;
import dev.mqttls.broker.CertificateExpiry.Kind;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.tls.PemReader;
import dev.mqttls.tls.ServerTlsSettings;
import dev.mqttls.tls.TlsMaterialException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end dates of every TLS listener's server certificates, CAs and CRLs: a gauge of seconds until
 * each ends, and a warning line for each within {@code cert_expiry_warning_days} (at start-up,
 * after a reload and once a day). Reads the files the listeners were configured with; a file that
 * cannot be read here was refused by the listener already, so it is skipped without a line.
 */
public final class CertificateWatch {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /** One TLS listener: its label and settings. */
  public record Listener(String name, ServerTlsSettings settings) {}

  private final Ticker ticker;
  private final Duration warning;
  private final MultiGauge gauge;
  private volatile List<Listener> listeners = List.of();
  private volatile List<CertificateExpiry> current = List.of();

  CertificateWatch(MeterRegistry registry, Ticker ticker, Duration warning) {
    this.ticker = ticker;
    this.warning = warning;
    this.gauge =
        MultiGauge.builder("mqttls.certificate.expiry")
            .baseUnit("seconds")
            .description(
                "Seconds until a server certificate or CA ends, or a CRL's next update (negative:"
                    + " past)")
            .register(registry);
  }

  /** Sets the listeners watched and reads their files now. */
  void watch(List<Listener> l) {
    this.listeners = List.copyOf(l);
    refresh();
  }

  /** Re-reads every file (after a reload, and daily). */
  void refresh() {
    List<CertificateExpiry> out = new ArrayList<>();
    for (Listener l : listeners) {
      read(l, out);
    }
    out.sort(Comparator.comparing(CertificateExpiry::notAfter));
    current = List.copyOf(out);
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (CertificateExpiry c : out) {
      rows.add(
          MultiGauge.Row.of(
              Tags.of(
                  "listener", c.listener(),
                  "kind", c.kind().name().toLowerCase(Locale.ROOT),
                  "subject", c.subject()),
              c,
              x -> (x.notAfter().toEpochMilli() - ticker.currentTimeMillis()) / 1000.0));
    }
    gauge.register(rows, true);
  }

  /** Every certificate and CRL, soonest end first. */
  public List<CertificateExpiry> all() {
    return current;
  }

  /** Logs one warning line per certificate or CRL within the window (or past its end). */
  void warn() {
    Instant now = Instant.ofEpochMilli(ticker.currentTimeMillis());
    for (CertificateExpiry c : current) {
      if (c.notAfter().isAfter(now.plus(warning))) {
        continue;
      }
      Duration left = Duration.between(now, c.notAfter());
      String when =
          left.isNegative()
              ? "ended " + c.notAfter() + ", " + -left.toDays() + " day(s) ago"
              : "ends " + c.notAfter() + ", in " + left.toDays() + " day(s)";
      String what =
          switch (c.kind()) {
            case SERVER -> "server certificate " + c.subject() + " " + when + ": renew it";
            case CA -> "CA certificate " + c.subject() + " " + when + ": roll the CA over";
            case CRL ->
                "CRL of "
                    + c.subject()
                    + (left.isNegative() ? " is past its next update (" : " next update ")
                    + c.notAfter()
                    + (left.isNegative() ? ")" : ", in " + left.toDays() + " day(s)")
                    + ": publish a fresh CRL";
          };
      LOG.warn(
          "listener {}: {}: {} (cert_expiry_warning_days {})",
          c.listener(),
          c.file(),
          what,
          warning.toDays());
    }
  }

  private static void read(Listener l, List<CertificateExpiry> out) {
    ServerTlsSettings s = l.settings();
    s.certFile().ifPresent(f -> certificates(l.name(), Kind.SERVER, f, true, out));
    for (ServerTlsSettings.SniCertificate sni : s.sniCertificates().values()) {
      certificates(l.name(), Kind.SERVER, sni.certFile(), true, out);
    }
    s.caFile().ifPresent(f -> certificates(l.name(), Kind.CA, f, false, out));
    s.caPath()
        .ifPresent(
            dir -> {
              try (Stream<Path> files = Files.list(dir)) {
                files
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(f -> certificates(l.name(), Kind.CA, f, false, out));
              } catch (IOException e) {
                // the listener reported it when it loaded
              }
            });
    s.crlFile()
        .ifPresent(
            f -> {
              try {
                for (X509CRL crl : PemReader.readCrls(f)) {
                  if (crl.getNextUpdate() != null) {
                    out.add(
                        new CertificateExpiry(
                            l.name(),
                            Kind.CRL,
                            crl.getIssuerX500Principal().getName(),
                            f,
                            crl.getNextUpdate().toInstant()));
                  }
                }
              } catch (TlsMaterialException e) {
                // the listener reported it when it loaded
              }
            });
  }

  private static void certificates(
      String listener, Kind kind, Path file, boolean leafOnly, List<CertificateExpiry> out) {
    List<X509Certificate> certs;
    try {
      certs = PemReader.readCertificates(file);
    } catch (TlsMaterialException e) {
      return; // the listener reported it when it loaded (or capath holds a non-certificate)
    }
    for (X509Certificate c : leafOnly && !certs.isEmpty() ? certs.subList(0, 1) : certs) {
      out.add(
          new CertificateExpiry(
              listener,
              kind,
              c.getSubjectX500Principal().getName(),
              file,
              c.getNotAfter().toInstant()));
    }
  }
}
