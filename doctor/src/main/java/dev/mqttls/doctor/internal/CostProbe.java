package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import java.io.IOException;
import java.util.Locale;
import org.bouncycastle.tls.ProtocolVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step 8: a second full handshake, TLS bytes per message, and session resumption. */
final class CostProbe {
  private static final Logger LOG = LoggerFactory.getLogger(CostProbe.class);

  private final ProbeContext ctx;

  CostProbe(ProbeContext ctx) {
    this.ctx = ctx;
  }

  void resumption(ProbeContext.TlsSummary first) {
    // The first handshake of a process pays for crypto start-up; a second one shows the server.
    TlsConnection.Offer full =
        new TlsConnection.Offer(
            ctx.deviceVersions(),
            ctx.sniName(),
            ctx.o.alpn().orElse(null),
            ctx.credentials,
            null,
            false);
    ProbeContext.TlsSummary measured = first;
    try (TlsConnection c =
        TlsConnection.open(ctx.address, ctx.timeout, full, chain -> ctx.serverTrusted())) {
      TlsConnection.Observed ob = c.observed();
      if (ob.handshakeComplete) {
        measured = ProbeContext.TlsSummary.of(ob);
      }
    } catch (IOException e) {
      LOG.debug("second full handshake failed", e);
    }
    ctx.findings.add(
        Finding.info(
            FindingCode.COST_HANDSHAKE,
            "Full handshake ("
                + measured.version().getName()
                + "): "
                + fmtMs(measured.nanos())
                + " ms, "
                + measured.out()
                + " bytes sent, "
                + measured.in()
                + " bytes received."));
    if (ctx.publishCost != null) {
      ctx.findings.add(Finding.info(FindingCode.COST_HANDSHAKE, ctx.publishCost));
    }
    ProtocolVersion[] versions = ctx.deviceVersions();
    String note = "";
    org.bouncycastle.tls.TlsSession resumable = ctx.session;
    if (resumable == null || !resumable.isResumable()) {
      // The probe's TLS stack resumes TLS 1.2 sessions only; measure what a 1.2 device gets.
      versions = ProtocolVersion.TLSv12.only();
      note = " (measured with TLS 1.2; TLS 1.3 resumption is not probed)";
      TlsConnection.Offer full12 =
          new TlsConnection.Offer(
              versions, ctx.sniName(), ctx.o.alpn().orElse(null), ctx.credentials, null, false);
      try (TlsConnection c =
          TlsConnection.open(ctx.address, ctx.timeout, full12, chain -> ctx.serverTrusted())) {
        TlsConnection.Observed ob = c.observed();
        if (!ob.handshakeComplete) {
          ctx.findings.add(
              Finding.info(
                  FindingCode.COST_NO_RESUMPTION,
                  "Session resumption was not measured: the probe resumes TLS 1.2 sessions only, and a"
                      + " TLS 1.2 handshake with this server did not complete ("
                      + ProbeRunner.describe(c.failure())
                      + ")."));
          return;
        }
        measured = ProbeContext.TlsSummary.of(ob);
        resumable = c.resumableSession();
      } catch (IOException e) {
        LOG.debug("TLS 1.2 full handshake failed", e);
      }
    }
    if (resumable == null || !resumable.isResumable()) {
      ctx.findings.add(
          Finding.info(
              FindingCode.COST_NO_RESUMPTION,
              "The server gave no resumable session (no session id or ticket)"
                  + note
                  + ", so every reconnect pays a full handshake."));
      return;
    }
    TlsConnection.Offer offer =
        new TlsConnection.Offer(
            versions, ctx.sniName(), ctx.o.alpn().orElse(null), ctx.credentials, resumable, false);
    try (TlsConnection c =
        TlsConnection.open(ctx.address, ctx.timeout, offer, chain -> ctx.serverTrusted())) {
      TlsConnection.Observed ob = c.observed();
      if (ob.handshakeComplete && ob.resumed) {
        long saved = measured.in() + measured.out() - ob.handshakeBytesIn - ob.handshakeBytesOut;
        ctx.findings.add(
            Finding.info(
                FindingCode.COST_RESUMPTION,
                "Session resumption works"
                    + note
                    + ": "
                    + fmtMs(ob.handshakeNanos)
                    + " ms, "
                    + ob.handshakeBytesOut
                    + " bytes sent and "
                    + ob.handshakeBytesIn
                    + " received, "
                    + saved
                    + " bytes fewer than the full "
                    + measured.version().getName()
                    + " handshake ("
                    + fmtMs(measured.nanos())
                    + " ms)."));
      } else {
        ctx.findings.add(
            Finding.info(
                FindingCode.COST_NO_RESUMPTION,
                "The server did not resume the session offered"
                    + note
                    + " ("
                    + (ob.handshakeComplete
                        ? "it ran a full handshake"
                        : ProbeRunner.describe(c.failure()))
                    + "); every reconnect pays a full handshake."));
      }
    } catch (IOException e) {
      ctx.findings.add(
          Finding.info(
              FindingCode.COST_NO_RESUMPTION,
              "The resumption probe failed: " + ProbeRunner.describe(e) + "."));
    }
  }

  private static String fmtMs(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
