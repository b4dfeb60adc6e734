package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;

/** Steps 4 to 6 and the start of 7 over the main TLS connection; then hands on to 3 and 8. */
final class TlsHandshakeStep {
  private static final int LARGE_CHAIN_BYTES = 4096;

  private final ProbeContext ctx;

  TlsHandshakeStep(ProbeContext ctx) {
    this.ctx = ctx;
  }

  void probeTls() {
    ServerVerifier verifier =
        new ServerVerifier(ctx.anchors, ctx.anchorSource, ctx.now, ctx.clockGiven);
    TlsConnection.Offer offer =
        new TlsConnection.Offer(
            ctx.deviceVersions(),
            ctx.sniName(),
            ctx.o.alpn().orElse(null),
            ctx.credentials,
            null,
            false);
    TlsConnection main;
    try {
      main =
          TlsConnection.open(
              ctx.address,
              ctx.timeout,
              offer,
              chain -> {
                chainFindings(chain);
                ctx.verification = verifier.verify(chain, ctx.o.serverName(), ctx.o.host());
                ctx.findings.addAll(ctx.verification.findings());
                return ctx.verification.trusted();
              });
    } catch (IOException e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.TLS_HANDSHAKE_FAILED,
              "The TLS connection failed: " + ProbeRunner.describe(e) + ".",
              "Check the network path."));
      return;
    }
    ProbeContext.TlsSummary summary = null;
    try (main) {
      TlsConnection.Observed ob = main.observed();
      if (ob.serverRefusedByUs) {
        ctx.findings.add(
            Finding.info(
                FindingCode.MQTT_SKIPPED,
                "MQTT was not attempted: like a device, the probe stops when the server cannot be verified (see step 5)."));
      } else if (!ob.handshakeComplete) {
        handshakeFailed(main);
      } else {
        summary = ProbeContext.TlsSummary.of(ob);
        negotiated(ob);
        certificateRequest(ob);
        new MqttSteps(ctx).mqttSteps(main.in(), main.out(), main);
        ctx.session = main.resumableSession();
      }
    }
    if (ctx.o.versionProbes()) {
      new TlsProbes(ctx).versionProbes();
    }
    if (ctx.o.costProbe() && summary != null) {
      new CostProbe(ctx).resumption(summary);
    }
  }

  private void chainFindings(List<X509Certificate> chain) {
    ctx.mainLeaf = chain.isEmpty() ? null : chain.get(0);
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      ctx.findings.add(
          Finding.info(
                  FindingCode.CHAIN_CERTIFICATE,
                  "Certificate " + i + " as sent: " + Certs.subject(c) + ".")
              .withDetails(Certs.describe(c, ctx.now)));
      long days = Certs.daysLeft(c, ctx.now);
      if (days >= 0 && days < 30 && !ctx.now.isBefore(c.getNotBefore().toInstant())) {
        ctx.findings.add(
            Finding.warn(
                FindingCode.CHAIN_EXPIRES_SOON,
                Certs.subject(c) + " expires in " + days + " days.",
                "Renew it before it expires ("
                    + Certs.renewCommand(c)
                    + "); devices will refuse it afterwards."));
      }
    }
    boolean inOrder = true;
    for (int i = 0; i + 1 < chain.size(); i++) {
      if (!chain
          .get(i)
          .getIssuerX500Principal()
          .equals(chain.get(i + 1).getSubjectX500Principal())) {
        inOrder = false;
      }
    }
    chainSize(chain);
    if (inOrder) {
      ctx.findings.add(
          Finding.pass(
              FindingCode.CHAIN_IN_ORDER,
              "The chain of "
                  + chain.size()
                  + (chain.size() == 1 ? " certificate is" : " certificates is")
                  + " in order."));
    } else {
      ctx.findings.add(
          Finding.warn(
              FindingCode.CHAIN_OUT_OF_ORDER,
              "The chain is not in order: some certificate is not followed by its issuer. Strict clients (mbedTLS) fail on this.",
              "Order the broker's certfile: server certificate first, then each issuer."));
    }
  }

  private void negotiated(TlsConnection.Observed ob) {
    String suite = SuiteNames.name(ob.cipherSuite);
    StringBuilder s = new StringBuilder("Negotiated " + ob.version.getName() + " with " + suite);
    if (ob.group >= 0) {
      s.append(", key exchange ").append(org.bouncycastle.tls.NamedGroup.getName(ob.group));
    }
    if (ob.helloRetry) {
      s.append(
          " (after a HelloRetryRequest: the server wanted another group, one extra round trip)");
    }
    if (ctx.o.alpn().isPresent()) {
      ctx.findings.add(
          ob.alpn != null
              ? Finding.pass(
                  FindingCode.TLS_ALPN, "The server selected the ALPN protocol " + ob.alpn + ".")
              : Finding.warn(
                  FindingCode.TLS_ALPN,
                  "The server ignored the ALPN protocol " + ctx.o.alpn().get() + " offered.",
                  "Brokers that multiplex a port by ALPN (AWS IoT on 443: x-amzn-mqtt-ca) route such a device elsewhere; check the expected ALPN value."));
    }
    s.append(ctx.sniName() == null ? "; no SNI sent (IP address)" : "; SNI " + ctx.sniName());
    ctx.findings.add(Finding.info(FindingCode.TLS_NEGOTIATED, s + "."));
  }

  private void chainSize(List<X509Certificate> chain) {
    int size = 4 + 3;
    for (X509Certificate c : chain) {
      try {
        size += 3 + c.getEncoded().length;
      } catch (java.security.cert.CertificateEncodingException e) {
        return;
      }
    }
    X509Certificate last = chain.get(chain.size() - 1);
    if (chain.size() > 1 && Certs.selfSigned(last)) {
      try {
        ctx.findings.add(
            Finding.info(
                FindingCode.CHAIN_CERTIFICATE,
                "The server also sends its root "
                    + Certs.subject(last)
                    + " ("
                    + last.getEncoded().length
                    + " bytes): devices must hold the root already, so those bytes buy nothing."));
      } catch (java.security.cert.CertificateEncodingException e) {
        // Size unknown; the chain listing above still shows the root.
      }
    }
    if (size > LARGE_CHAIN_BYTES) {
      ctx.findings.add(
          Finding.warn(
              FindingCode.CHAIN_LARGE,
              "The server's Certificate message is about "
                  + size
                  + " bytes; devices with a 4 KiB TLS input buffer (MBEDTLS_SSL_IN_CONTENT_LEN) cannot take it.",
              "Use an ECDSA P-256 chain and leave the root out of the broker's certfile."));
    } else {
      ctx.findings.add(
          Finding.info(
              FindingCode.CHAIN_CERTIFICATE,
              "The server's Certificate message is about "
                  + size
                  + " bytes (fits a 4 KiB device buffer)."));
    }
  }

  private void certificateRequest(TlsConnection.Observed ob) {
    if (!ob.certificateRequested) {
      if (ctx.credentials != null) {
        ctx.findings.add(
            Finding.warn(
                FindingCode.CLIENT_CERT_NOT_REQUESTED,
                "The server did not ask for a client certificate, so yours was not sent and does not authenticate this device.",
                "Set require_certificate true on the broker's listener if devices should be authenticated by certificate."));
      } else {
        ctx.findings.add(
            Finding.info(
                FindingCode.CLIENT_CERT_NOT_REQUESTED,
                "The server does not ask for a client certificate."));
      }
      return;
    }
    String cas =
        ob.requestedCaNames.isEmpty()
            ? "naming no CAs"
            : "naming the CAs " + String.join("; ", ob.requestedCaNames);
    ctx.findings.add(
        Finding.info(
            FindingCode.CLIENT_CERT_REQUESTED,
            "The server asks for a client certificate, "
                + cas
                + (ob.clientCertSent ? "; ours was sent." : "; none was sent.")));
  }

  private void handshakeFailed(TlsConnection main) {
    TlsConnection.Observed ob = main.observed();
    if (ob.serverHelloVersion != null) {
      ctx.findings.add(
          Finding.info(
              FindingCode.TLS_NEGOTIATED,
              "The server chose "
                  + ob.serverHelloVersion.getName()
                  + (ob.helloSuite >= 0 ? " with " + SuiteNames.name(ob.helloSuite) : "")
                  + (ob.group >= 0
                      ? ", key exchange " + org.bouncycastle.tls.NamedGroup.getName(ob.group)
                      : "")
                  + " before the handshake failed."));
    }
    if (ob.certificateRequested) {
      certificateRequest(ob);
    }
    if (ob.alertReceived != null) {
      ctx.findings.add(
          Alerts.forAlert(
              ob.alertReceived, ob.certificateRequested, ob.clientCertSent, ctx.clientSubject()));
    } else if (ob.certificateRequested && !ob.clientCertSent) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.CLIENT_CERT_REQUIRED,
              "The server asked for a client certificate, none was sent, and it closed the connection: it requires one.",
              "Give the device a certificate issued by a CA the broker trusts: --cert device.crt --key device.key."));
    } else {
      ctx.findings.add(
          Finding.fail(
              FindingCode.TLS_HANDSHAKE_FAILED,
              "The TLS handshake failed: " + ProbeRunner.describe(main.failure()) + ".",
              "Check the broker's log at the time of this probe."));
    }
    ctx.findings.add(
        Finding.info(
            FindingCode.MQTT_SKIPPED, "MQTT was not attempted because the TLS handshake failed."));
  }
}
