package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.doctor.ProbeOptions;
import dev.mqttls.doctor.Report;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the probe steps in the order a device does and collects the findings. */
public final class ProbeRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);

  private final ProbeContext ctx;

  /** A runner for one probe. */
  public ProbeRunner(ProbeOptions options, Instant now, boolean clockGiven) {
    this.ctx = new ProbeContext(options, now, clockGiven);
  }

  /** Runs every step that can run and returns the report, findings ordered by step. */
  public Report run() {
    try {
      runSteps();
    } catch (RuntimeException e) {
      // A bug in a check must not hide the findings gathered so far.
      LOG.warn("probe of {} stopped by an internal error", ctx.o.url(), e);
      ctx.findings.add(
          Finding.fail(
              FindingCode.TLS_HANDSHAKE_FAILED,
              "The probe stopped on an internal error (" + e.getClass().getSimpleName() + ").",
              "Report this with the probe's log."));
    }
    List<Finding> sorted = new ArrayList<>(ctx.findings);
    sorted.sort(Comparator.comparingInt(f -> f.step().number()));
    return new Report(ctx.o.url(), sorted);
  }

  private void runSteps() {
    if (ctx.o.tls() && !new LocalMaterial(ctx).loadLocalMaterial()) {
      return;
    }
    if (!new Reachability(ctx).resolveAndConnect()) {
      return;
    }
    if (ctx.o.tls()) {
      if (!new Reachability(ctx).sniffTlsPort()) {
        return;
      }
      new TlsHandshakeStep(ctx).probeTls();
    } else {
      if (!new Reachability(ctx).sniffPlainPort()) {
        return;
      }
      try (Socket s = PortSniffer.connect(ctx.address, ctx.timeout)) {
        s.setSoTimeout(ctx.timeout);
        new MqttSteps(ctx).mqttSteps(s.getInputStream(), s.getOutputStream(), null);
      } catch (IOException e) {
        ctx.findings.add(
            Finding.fail(
                FindingCode.MQTT_NO_CONNACK,
                "The plain MQTT connection failed: " + ProbeRunner.describe(e) + ".",
                "Check the broker's log."));
      }
    }
  }

  /** A failure in words for a finding, never a stack trace. */
  static String describe(Throwable e) {
    if (e == null) {
      return "unknown cause";
    }
    if (e instanceof TlsFatalAlertReceived a) {
      return "alert " + Alerts.name(a.getAlertDescription()) + " from the server";
    }
    if (e instanceof org.bouncycastle.tls.TlsFatalAlert a) {
      return "alert " + Alerts.name(a.getAlertDescription()) + " raised by the probe";
    }
    if (e instanceof SocketTimeoutException) {
      return "timed out";
    }
    if (e instanceof EOFException) {
      return "the server closed the connection";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }
}
