package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.ProbeOptions;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsSession;

/**
 * What the steps of one probe share: the options, the findings so far, and what earlier steps
 * learned (the address, the local material, the server's verdict, the session to resume). One probe
 * runs on one thread, so this needs no locking.
 */
final class ProbeContext {
  /** The first full handshake's figures, for the cost step. */
  record TlsSummary(
      ProtocolVersion version, int suite, long nanos, long out, long in, int certBytes) {
    /** The figures of a completed handshake. */
    static TlsSummary of(TlsConnection.Observed ob) {
      return new TlsSummary(
          ob.version,
          ob.cipherSuite,
          ob.handshakeNanos,
          ob.handshakeBytesOut,
          ob.handshakeBytesIn,
          ob.certificateMessageBytes);
    }
  }

  final ProbeOptions o;
  final int timeout;
  final List<Finding> findings = new ArrayList<>();
  final Instant now;
  final boolean clockGiven;
  InetSocketAddress address;
  ClientCredentials credentials;
  List<X509Certificate> anchors;
  String anchorSource;
  ServerVerifier.Outcome verification;
  String publishCost;
  String tls12Choice;
  X509Certificate mainLeaf;
  TlsSession session;

  /** Whether the main connection presented our certificate and the server accepted it. */
  boolean clientCertAccepted;

  ProbeContext(ProbeOptions o, Instant now, boolean clockGiven) {
    this.o = o;
    this.timeout = (int) Math.min(Integer.MAX_VALUE, o.timeout().toMillis());
    this.now = now;
    this.clockGiven = clockGiven;
  }

  /** The versions the main connection offers: what the device being imitated speaks. */
  ProtocolVersion[] deviceVersions() {
    return o.tls12Only()
        ? ProtocolVersion.TLSv12.only()
        : ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
  }

  /** The name to send as SNI, or null when the server name is an IP literal. */
  String sniName() {
    String n = o.serverName();
    return Certs.isIpLiteral(n) ? null : n;
  }

  /** Whether the main connection verified the server: later probes go on only then. */
  boolean serverTrusted() {
    return verification != null && verification.trusted();
  }

  /** The host as a URL writes it (IPv6 in brackets). */
  String hostForUrl() {
    return o.host().contains(":") ? "[" + o.host() + "]" : o.host();
  }

  /** The subject of our client certificate, or null when none is used. */
  String clientSubject() {
    return credentials == null ? null : Certs.subject(credentials.chain().get(0));
  }
}
