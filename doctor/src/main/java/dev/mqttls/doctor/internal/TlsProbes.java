package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import java.io.IOException;
import org.bouncycastle.tls.ProtocolVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step 3: one connection per TLS version, max_fragment_length, and SNI behaviour. */
final class TlsProbes {
  private static final Logger LOG = LoggerFactory.getLogger(TlsProbes.class);

  private final ProbeContext ctx;

  TlsProbes(ProbeContext ctx) {
    this.ctx = ctx;
  }

  void versionProbes() {
    sniProbe();
    clientCertEnforcement();
    Boolean v13 = acceptsOnly(ProtocolVersion.TLSv13, false);
    Boolean v12 = acceptsOnly(ProtocolVersion.TLSv12, true);
    Boolean v11 = acceptsOnly(ProtocolVersion.TLSv11, false);
    Boolean v10 = acceptsOnly(ProtocolVersion.TLSv10, false);
    if (v13 != null) {
      ctx.findings.add(
          v13
              ? Finding.pass(FindingCode.TLS13_ACCEPTED, "The server accepts TLS 1.3.")
              : Finding.info(
                  FindingCode.TLS13_REFUSED,
                  "The server does not accept TLS 1.3 (TLS 1.2 is enough for most devices; 1.3 saves a round trip)."));
    }
    if (v12 != null) {
      ctx.findings.add(
          v12
              ? Finding.pass(
                  FindingCode.TLS12_ACCEPTED,
                  "The server accepts TLS 1.2"
                      + (ctx.tls12Choice == null ? "" : " and picks " + ctx.tls12Choice)
                      + ".")
              : Finding.warn(
                  FindingCode.TLS12_REFUSED,
                  "The server does not accept TLS 1.2: devices without TLS 1.3 (most mbedTLS 2.x builds, older modems) cannot connect.",
                  "Allow TLS 1.2 on the broker (tls_version tlsv1.2)."));
    }
    if (v11 != null && v10 != null) {
      if (v11 || v10) {
        String which = v11 && v10 ? "TLS 1.1 and 1.0" : v11 ? "TLS 1.1" : "TLS 1.0";
        ctx.findings.add(
            Finding.warn(
                FindingCode.TLS_LEGACY_ACCEPTED,
                "The server still accepts " + which + ", deprecated since 2021 (RFC 8996).",
                "Set tls_version tlsv1.2 on the broker's listener."));
      } else {
        ctx.findings.add(
            Finding.pass(
                FindingCode.TLS_LEGACY_REFUSED,
                "The server refuses TLS 1.1 and 1.0, as it should."));
      }
    }
  }

  /**
   * After our certificate was accepted: connects once without one to learn whether the server
   * insists on it. An anonymous CONNECT is sent only to the already verified server.
   */
  private void clientCertEnforcement() {
    if (!ctx.clientCertAccepted) {
      return;
    }
    TlsConnection.Offer offer =
        new TlsConnection.Offer(
            ctx.deviceVersions(), ctx.sniName(), ctx.o.alpn().orElse(null), null, null, false);
    try (TlsConnection c =
        TlsConnection.open(ctx.address, ctx.timeout, offer, chain -> ctx.serverTrusted())) {
      TlsConnection.Observed ob = c.observed();
      boolean refused = !ob.handshakeComplete;
      if (!refused) {
        try {
          c.out()
              .write(
                  MqttWire.connect(
                      ctx.o.mqttVersion().level(), ctx.o.clientId() + "-nocert", null, null));
          c.out().flush();
          MqttWire.read(c.in());
        } catch (org.bouncycastle.tls.TlsFatalAlertReceived e) {
          refused = true;
        } catch (java.io.EOFException e) {
          refused = true;
        }
      }
      ctx.findings.add(
          refused
              ? Finding.info(
                  FindingCode.CLIENT_CERT_ENFORCED,
                  "Without a certificate the server refuses the TLS connection: every client must present one.")
              : Finding.warn(
                  FindingCode.CLIENT_CERT_OPTIONAL,
                  "The server asks for a client certificate but lets a client without one complete TLS and send MQTT:"
                      + " devices are not authenticated by certificate unless the broker checks otherwise.",
                  "Set require_certificate true on the listener if every device must present a certificate."));
    } catch (IOException e) {
      LOG.debug("client certificate enforcement probe failed", e);
    }
  }

  /** Connects once without SNI and compares with what the server sent for the name. */
  private void sniProbe() {
    if (ctx.sniName() == null || ctx.mainLeaf == null) {
      return;
    }
    TlsConnection.Offer offer =
        new TlsConnection.Offer(
            ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12),
            null,
            ctx.o.alpn().orElse(null),
            null,
            null,
            false);
    // Looks at the certificate only: the handshake stops there, nothing is sent to the server.
    try (TlsConnection c = TlsConnection.open(ctx.address, ctx.timeout, offer, chain -> false)) {
      TlsConnection.Observed ob = c.observed();
      if (ob.serverChain.isEmpty()) {
        ctx.findings.add(
            Finding.warn(
                FindingCode.TLS_SNI,
                "Without SNI the server refuses the handshake ("
                    + (ob.alertReceived == null
                        ? ProbeRunner.describe(c.failure())
                        : "alert " + Alerts.name(ob.alertReceived))
                    + "): devices must send the name "
                    + ctx.sniName()
                    + " as SNI.",
                "Make sure the device sets SNI (mbedtls_ssl_set_hostname, or the modem's hostname option)."));
      } else if (ob.serverChain.get(0).equals(ctx.mainLeaf)) {
        ctx.findings.add(
            Finding.info(
                FindingCode.TLS_SNI, "The server sends the same certificate with or without SNI."));
      } else {
        ctx.findings.add(
            Finding.warn(
                FindingCode.TLS_SNI,
                "Without SNI the server sends another certificate, "
                    + Certs.subject(ob.serverChain.get(0))
                    + ", which devices that send no SNI will check instead.",
                "Make sure the device sets SNI to " + ctx.sniName() + "."));
      }
    } catch (IOException e) {
      LOG.debug("SNI probe failed", e);
    }
  }

  /** True/false when the server accepted/refused only this version; null when the probe broke. */
  private Boolean acceptsOnly(ProtocolVersion v, boolean withMfl) {
    TlsConnection.Offer offer =
        new TlsConnection.Offer(
            v.only(), ctx.sniName(), ctx.o.alpn().orElse(null), null, null, withMfl);
    // The ServerHello settles the version; the handshake goes on only with a verified server.
    try (TlsConnection c =
        TlsConnection.open(ctx.address, ctx.timeout, offer, chain -> ctx.serverTrusted())) {
      TlsConnection.Observed ob = c.observed();
      if (ob.handshakeComplete && v.equals(ProtocolVersion.TLSv12)) {
        ctx.tls12Choice =
            SuiteNames.name(ob.cipherSuite)
                + (ob.group >= 0
                    ? " with " + org.bouncycastle.tls.NamedGroup.getName(ob.group)
                    : "");
      }
      if (withMfl && (ob.handshakeComplete || !ob.serverChain.isEmpty())) {
        ctx.findings.add(
            ob.maxFragmentLength > 0
                ? Finding.info(
                    FindingCode.TLS_MAX_FRAGMENT_LENGTH,
                    "The server honours max_fragment_length (512-byte records), which small devices ask for.")
                : Finding.info(
                    FindingCode.TLS_MAX_FRAGMENT_LENGTH,
                    "The server ignores max_fragment_length: devices must take full 16 KiB records."));
      }
      // The ServerHello settles the version; a later failure (a required client certificate the
      // probe does not send) does not mean the version was refused.
      return ob.handshakeComplete || v.equals(ob.serverHelloVersion);
    } catch (IOException e) {
      LOG.debug("version probe {} failed", v, e);
      return null;
    }
  }
}
