package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.doctor.ProbeOptions;
import dev.mqttls.doctor.Report;
import dev.mqttls.doctor.Status;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the probe steps in the order a device does and collects the findings. */
public final class ProbeRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);
  private static final int LARGE_CHAIN_BYTES = 4096;

  private final ProbeOptions o;
  private final int timeout;
  private final List<Finding> findings = new ArrayList<>();
  private final Instant now;
  private final boolean clockGiven;
  private InetSocketAddress address;
  private ClientCredentials credentials;
  private List<X509Certificate> anchors;
  private String anchorSource;
  private ServerVerifier.Outcome verification;
  private String publishCost;
  private String tls12Choice;
  private X509Certificate mainLeaf;
  private org.bouncycastle.tls.TlsSession session;

  /** A runner for one probe. */
  public ProbeRunner(ProbeOptions options, Instant now, boolean clockGiven) {
    this.clockGiven = clockGiven;
    this.o = options;
    this.timeout = (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis());
    this.now = now;
  }

  /** Runs every step that can run and returns the report, findings ordered by step. */
  public Report run() {
    try {
      runSteps();
    } catch (RuntimeException e) {
      // A bug in a check must not hide the findings gathered so far.
      LOG.warn("probe of {} stopped by an internal error", o.url(), e);
      findings.add(
          Finding.fail(
              FindingCode.TLS_HANDSHAKE_FAILED,
              "The probe stopped on an internal error (" + e.getClass().getSimpleName() + ").",
              "Report this with the probe's log."));
    }
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparingInt(f -> f.step().number()));
    return new Report(o.url(), sorted);
  }

  private void runSteps() {
    if (o.tls() && !loadLocalMaterial()) {
      return;
    }
    if (!resolveAndConnect()) {
      return;
    }
    if (o.tls()) {
      if (!sniffTlsPort()) {
        return;
      }
      probeTls();
    } else {
      if (!sniffPlainPort()) {
        return;
      }
      try (Socket s = PortSniffer.connect(address, timeout)) {
        s.setSoTimeout(timeout);
        mqttSteps(s.getInputStream(), s.getOutputStream(), null);
      } catch (IOException e) {
        findings.add(
            Finding.fail(
                FindingCode.MQTT_NO_CONNACK,
                "The plain MQTT connection failed: " + describe(e) + ".",
                "Check the broker's log."));
      }
    }
  }

  // ---- local material -------------------------------------------------------------------------

  private boolean loadLocalMaterial() {
    if (o.caFile().isPresent()) {
      Path ca = o.caFile().get();
      anchorSource = "your CA file " + ca.getFileName();
      try {
        anchors = Pem.certificates(ca);
      } catch (IOException e) {
        anchors = List.of();
        findings.add(
            Finding.fail(
                FindingCode.CAFILE_UNREADABLE,
                "The CA file " + ca + " cannot be read: " + describe(e) + ".",
                "Give --cafile a readable PEM file holding the CA certificate."));
        return false;
      }
      if (anchors.isEmpty()) {
        findings.add(
            Finding.fail(
                FindingCode.CAFILE_UNREADABLE,
                "The CA file " + ca + " holds no PEM certificate.",
                "Give --cafile a PEM file (-----BEGIN CERTIFICATE-----) holding the CA certificate."));
        return false;
      }
    } else {
      anchorSource = "the system trust store";
      anchors = systemAnchors();
    }
    if (o.certFile().isPresent()) {
      Path cert = o.certFile().get();
      Path key = o.keyFile().orElseThrow();
      try {
        List<X509Certificate> chain = Pem.certificates(cert);
        if (chain.isEmpty()) {
          findings.add(
              Finding.fail(
                  FindingCode.CLIENT_FILES_UNREADABLE,
                  "The client certificate file " + cert + " holds no PEM certificate.",
                  "Give --cert the device certificate in PEM."));
          return true;
        }
        PrivateKey k = Pem.privateKey(key);
        if (k == null) {
          String why =
              Pem.hasEncryptedKey(key) ? "holds an encrypted key" : "holds no PEM private key";
          findings.add(
              Finding.fail(
                  FindingCode.CLIENT_FILES_UNREADABLE,
                  "The client key file " + key + " " + why + ".",
                  "Give --key the unencrypted PEM private key of the device certificate."));
          return true;
        }
        if (!Certs.keyMatches(k, chain.get(0))) {
          findings.add(
              Finding.fail(
                  FindingCode.CLIENT_KEY_MISMATCH,
                  "The client key "
                      + key.getFileName()
                      + " does not belong to the client certificate "
                      + Certs.subject(chain.get(0))
                      + " ("
                      + Certs.keyDescription(chain.get(0).getPublicKey())
                      + ").",
                  "Pair the certificate with the key it was issued for; a device with this pair fails its handshake. The probe continues without a client certificate."));
          return true;
        }
        if (Certs.ekuLacks(chain.get(0), Certs.EKU_CLIENT_AUTH)) {
          findings.add(
              Finding.warn(
                  FindingCode.CLIENT_CERT_WRONG_USAGE,
                  "The client certificate "
                      + Certs.subject(chain.get(0))
                      + " has an extended key usage without clientAuth; brokers that check it will refuse it.",
                  "Re-issue it with extendedKeyUsage clientAuth (mqttls pki device ...)."));
        }
        credentials = new ClientCredentials(chain, k);
      } catch (IOException e) {
        findings.add(
            Finding.fail(
                FindingCode.CLIENT_FILES_UNREADABLE,
                "The client certificate or key cannot be read: " + describe(e) + ".",
                "Give --cert and --key readable PEM files."));
      }
    }
    return true;
  }

  private static List<X509Certificate> systemAnchors() {
    try {
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((java.security.KeyStore) null);
      for (javax.net.ssl.TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof javax.net.ssl.X509TrustManager x) {
          return List.of(x.getAcceptedIssuers());
        }
      }
    } catch (java.security.GeneralSecurityException e) {
      LOG.debug("no system trust store", e);
    }
    return List.of();
  }

  // ---- step 1 ---------------------------------------------------------------------------------

  private boolean resolveAndConnect() {
    InetAddress[] addrs;
    try {
      addrs = InetAddress.getAllByName(o.host());
    } catch (UnknownHostException e) {
      findings.add(
          Finding.fail(
              FindingCode.DNS_UNRESOLVED,
              "The name " + o.host() + " does not resolve to any address.",
              "Check the spelling, the DNS server, or use the broker's IP address."));
      return false;
    }
    if (!Certs.isIpLiteral(o.host())) {
      List<String> list = new ArrayList<>();
      for (InetAddress a : addrs) {
        list.add(a.getHostAddress());
      }
      findings.add(
          Finding.info(
              FindingCode.DNS_RESOLVED,
              o.host() + " resolves to " + String.join(", ", list) + "."));
    }
    address = new InetSocketAddress(addrs[0], o.port());
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(address, timeout);
      long ms = (System.nanoTime() - start) / 1_000_000;
      findings.add(
          Finding.pass(
              FindingCode.TCP_CONNECTED,
              "TCP connection to "
                  + addrs[0].getHostAddress()
                  + ":"
                  + o.port()
                  + " established ("
                  + ms
                  + " ms)."));
      return true;
    } catch (ConnectException e) {
      findings.add(
          Finding.fail(
              FindingCode.TCP_REFUSED,
              addrs[0].getHostAddress()
                  + " refused the connection on port "
                  + o.port()
                  + ": nothing listens there.",
              "Start the broker, or check the port (TLS is usually 8883, plain MQTT 1883) and the listener's bind address."));
    } catch (SocketTimeoutException e) {
      findings.add(
          Finding.fail(
              FindingCode.TCP_TIMEOUT,
              "No answer from "
                  + addrs[0].getHostAddress()
                  + ":"
                  + o.port()
                  + " within "
                  + timeout
                  + " ms.",
              "A firewall drops the packets, or the host is down or unreachable."));
    } catch (NoRouteToHostException e) {
      findings.add(
          Finding.fail(
              FindingCode.TCP_FAILED,
              "No route to " + addrs[0].getHostAddress() + ".",
              "Check the network path and firewall."));
    } catch (IOException e) {
      findings.add(
          Finding.fail(
              FindingCode.TCP_FAILED,
              "The TCP connection failed: " + describe(e) + ".",
              "Check the network path and firewall."));
    }
    return false;
  }

  // ---- step 2 ---------------------------------------------------------------------------------

  private boolean sniffTlsPort() {
    PortSniffer.Sniff tls = sniff(true);
    if (tls.speaks() == PortSniffer.Speaks.TLS) {
      findings.add(Finding.pass(FindingCode.PORT_SPEAKS_TLS, "Port " + o.port() + " speaks TLS."));
      return true;
    }
    PortSniffer.Sniff mqtt = sniff(false);
    if (mqtt.speaks() == PortSniffer.Speaks.MQTT) {
      findings.add(
          Finding.fail(
              FindingCode.PORT_PLAIN_GIVEN_AS_TLS,
              "Port "
                  + o.port()
                  + " speaks plain MQTT, not TLS: it answered a TLS ClientHello by closing and an MQTT CONNECT with a CONNACK. (OpenSSL calls this \"wrong version number\".)",
              "Use the broker's TLS port (often 8883), or mqtt:// if you really mean an unencrypted connection."));
      return false;
    }
    unknownProtocol(tls);
    return false;
  }

  private boolean sniffPlainPort() {
    PortSniffer.Sniff mqtt = sniff(false);
    if (mqtt.speaks() == PortSniffer.Speaks.MQTT) {
      findings.add(
          Finding.pass(
              FindingCode.PORT_SPEAKS_MQTT,
              "Port "
                  + o.port()
                  + " speaks plain MQTT (unencrypted: user names and passwords cross the network in clear)."));
      return true;
    }
    PortSniffer.Sniff tls = sniff(true);
    if (tls.speaks() == PortSniffer.Speaks.TLS) {
      findings.add(
          Finding.fail(
              FindingCode.PORT_TLS_GIVEN_AS_PLAIN,
              "Port "
                  + o.port()
                  + " speaks TLS, but the URL asks for plain MQTT: the broker saw MQTT bytes where it expected a TLS handshake.",
              "Use mqtts://" + hostForUrl() + ":" + o.port() + " with --cafile."));
      return false;
    }
    unknownProtocol(mqtt);
    return false;
  }

  private void unknownProtocol(PortSniffer.Sniff s) {
    switch (s.speaks()) {
      case OTHER ->
          findings.add(
              Finding.fail(
                  FindingCode.PORT_UNKNOWN_PROTOCOL,
                  "Port "
                      + o.port()
                      + " answers with something that is neither TLS nor MQTT: "
                      + s.preview()
                      + ".",
                  "Check the port: another service (HTTP, SSH, ...) listens there."));
      case SILENT ->
          findings.add(
              Finding.fail(
                  FindingCode.PORT_SILENT,
                  "Port "
                      + o.port()
                      + " accepts connections but answers neither a TLS ClientHello nor an MQTT CONNECT within "
                      + timeout
                      + " ms.",
                  "Check that the broker (not a proxy or load balancer without backend) listens on this port."));
      default ->
          findings.add(
              Finding.fail(
                  FindingCode.PORT_SILENT,
                  "Port "
                      + o.port()
                      + " accepts connections but closes them at once, both for TLS and for plain MQTT.",
                  "Check the broker's log: it may refuse this client's address, or be out of connections."));
    }
  }

  private PortSniffer.Sniff sniff(boolean tls) {
    try (Socket s = PortSniffer.connect(address, timeout)) {
      return tls ? PortSniffer.sniffTls(s, sniName(), timeout) : PortSniffer.sniffMqtt(s, timeout);
    } catch (IOException e) {
      return new PortSniffer.Sniff(PortSniffer.Speaks.CLOSED, "");
    }
  }

  // ---- steps 3 to 8 over TLS ------------------------------------------------------------------

  private void probeTls() {
    ServerVerifier verifier = new ServerVerifier(anchors, anchorSource, now, clockGiven);
    TlsConnection.Offer offer =
        new TlsConnection.Offer(
            ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12),
            sniName(),
            o.alpn().orElse(null),
            credentials,
            null,
            false);
    TlsConnection main;
    try {
      main =
          TlsConnection.open(
              address,
              timeout,
              offer,
              chain -> {
                chainFindings(chain);
                verification = verifier.verify(chain, o.serverName(), o.host());
                findings.addAll(verification.findings());
                return verification.trusted();
              });
    } catch (IOException e) {
      findings.add(
          Finding.fail(
              FindingCode.TLS_HANDSHAKE_FAILED,
              "The TLS connection failed: " + describe(e) + ".",
              "Check the network path."));
      return;
    }
    TlsSummary summary = null;
    try (main) {
      TlsConnection.Observed ob = main.observed();
      if (ob.serverRefusedByUs) {
        findings.add(
            Finding.info(
                FindingCode.MQTT_SKIPPED,
                "MQTT was not attempted: like a device, the probe stops when the server cannot be verified (see step 5)."));
      } else if (!ob.handshakeComplete) {
        handshakeFailed(main);
      } else {
        summary =
            new TlsSummary(
                ob.version,
                ob.cipherSuite,
                ob.handshakeNanos,
                ob.handshakeBytesOut,
                ob.handshakeBytesIn,
                ob.certificateMessageBytes);
        negotiated(ob);
        certificateRequest(ob);
        mqttSteps(main.in(), main.out(), main);
        session = main.resumableSession();
      }
    }
    if (o.versionProbes()) {
      versionProbes();
    }
    if (o.costProbe() && summary != null) {
      resumption(summary, main);
    }
  }

  private record TlsSummary(
      ProtocolVersion version, int suite, long nanos, long out, long in, int certBytes) {}

  private void chainFindings(List<X509Certificate> chain) {
    mainLeaf = chain.isEmpty() ? null : chain.get(0);
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      findings.add(
          Finding.info(
                  FindingCode.CHAIN_CERTIFICATE,
                  "Certificate " + i + " as sent: " + Certs.subject(c) + ".")
              .withDetails(Certs.describe(c, now)));
      long days = Certs.daysLeft(c, now);
      if (days >= 0 && days < 30 && !now.isBefore(c.getNotBefore().toInstant())) {
        findings.add(
            Finding.warn(
                FindingCode.CHAIN_EXPIRES_SOON,
                Certs.subject(c) + " expires in " + days + " days.",
                "Renew it before it expires; devices will refuse it afterwards."));
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
      findings.add(
          Finding.pass(
              FindingCode.CHAIN_IN_ORDER,
              "The chain of "
                  + chain.size()
                  + (chain.size() == 1 ? " certificate is" : " certificates is")
                  + " in order."));
    } else {
      findings.add(
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
    if (o.alpn().isPresent()) {
      findings.add(
          ob.alpn != null
              ? Finding.pass(
                  FindingCode.TLS_ALPN, "The server selected the ALPN protocol " + ob.alpn + ".")
              : Finding.warn(
                  FindingCode.TLS_ALPN,
                  "The server ignored the ALPN protocol " + o.alpn().get() + " offered.",
                  "Brokers that multiplex a port by ALPN (AWS IoT on 443: x-amzn-mqtt-ca) route such a device elsewhere; check the expected ALPN value."));
    }
    s.append(sniName() == null ? "; no SNI sent (IP address)" : "; SNI " + sniName());
    findings.add(Finding.info(FindingCode.TLS_NEGOTIATED, s + "."));
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
    if (size > LARGE_CHAIN_BYTES) {
      findings.add(
          Finding.warn(
              FindingCode.CHAIN_LARGE,
              "The server's Certificate message is about "
                  + size
                  + " bytes; devices with a 4 KiB TLS input buffer (MBEDTLS_SSL_IN_CONTENT_LEN) cannot take it.",
              "Use an ECDSA P-256 chain and leave the root out of the broker's certfile."));
    } else {
      findings.add(
          Finding.info(
              FindingCode.CHAIN_CERTIFICATE,
              "The server's Certificate message is about "
                  + size
                  + " bytes (fits a 4 KiB device buffer)."));
    }
  }

  private void certificateRequest(TlsConnection.Observed ob) {
    if (!ob.certificateRequested) {
      if (credentials != null) {
        findings.add(
            Finding.warn(
                FindingCode.CLIENT_CERT_NOT_REQUESTED,
                "The server did not ask for a client certificate, so yours was not sent and does not authenticate this device.",
                "Set require_certificate true on the broker's listener if devices should be authenticated by certificate."));
      } else {
        findings.add(
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
    findings.add(
        Finding.info(
            FindingCode.CLIENT_CERT_REQUESTED,
            "The server asks for a client certificate, "
                + cas
                + (ob.clientCertSent ? "; ours was sent." : "; none was sent.")));
  }

  private void handshakeFailed(TlsConnection main) {
    TlsConnection.Observed ob = main.observed();
    if (ob.alertReceived != null) {
      findings.add(
          Alerts.forAlert(
              ob.alertReceived, ob.certificateRequested, ob.clientCertSent, clientSubject()));
    } else if (ob.certificateRequested && !ob.clientCertSent) {
      findings.add(
          Finding.fail(
              FindingCode.CLIENT_CERT_REQUIRED,
              "The server asked for a client certificate, none was sent, and it closed the connection: it requires one.",
              "Give the device a certificate issued by a CA the broker trusts: --cert device.crt --key device.key."));
    } else {
      findings.add(
          Finding.fail(
              FindingCode.TLS_HANDSHAKE_FAILED,
              "The TLS handshake failed: " + describe(main.failure()) + ".",
              "Check the broker's log at the time of this probe."));
    }
    findings.add(
        Finding.info(
            FindingCode.MQTT_SKIPPED, "MQTT was not attempted because the TLS handshake failed."));
  }

  private String clientSubject() {
    return credentials == null ? null : Certs.subject(credentials.chain().get(0));
  }

  // ---- step 7 ---------------------------------------------------------------------------------

  private void mqttSteps(InputStream in, OutputStream out, TlsConnection tls) {
    int level = o.mqttVersion().level();
    char[] pw = o.password().orElse(null);
    MqttWire.Packet connack;
    try {
      byte[] connect = MqttWire.connect(level, o.clientId(), o.username().orElse(null), pw);
      try {
        out.write(connect);
        out.flush();
      } catch (IOException e) {
        if (tls == null) {
          throw e;
        }
        // The server may have sent its verdict on our certificate and closed before our CONNECT
        // went out; that alert is still waiting to be read.
        LOG.debug("CONNECT write failed; reading the server's last words", e);
      } finally {
        java.util.Arrays.fill(connect, (byte) 0);
      }
      connack = MqttWire.read(in);
    } catch (TlsFatalAlertReceived e) {
      // TLS 1.3: the server judges our certificate after the client's Finished, so its verdict
      // arrives as an alert on the first read.
      findings.add(
          Alerts.forAlert(
              e.getAlertDescription(),
              tls != null && tls.observed().certificateRequested,
              tls != null && tls.observed().clientCertSent,
              clientSubject()));
      findings.add(
          Finding.info(
              FindingCode.MQTT_SKIPPED,
              "MQTT did not get further: the server closed the TLS session after judging the client certificate."));
      return;
    } catch (EOFException e) {
      if (tls != null && tls.observed().certificateRequested && !tls.observed().clientCertSent) {
        findings.add(
            Alerts.requiredNoneSent(org.bouncycastle.tls.AlertDescription.certificate_required));
      } else {
        findings.add(
            Finding.fail(
                FindingCode.MQTT_NO_CONNACK,
                "The broker closed the connection after CONNECT without a CONNACK.",
                "Check the broker's log: it may not speak MQTT "
                    + (level == 5 ? "5" : "3.1.1")
                    + " or may refuse this client's address."));
      }
      return;
    } catch (IOException e) {
      findings.add(
          Finding.fail(
              FindingCode.MQTT_NO_CONNACK,
              "No CONNACK: " + describe(e) + ".",
              "Check the broker's log at the time of this probe."));
      return;
    } finally {
      if (pw != null) {
        java.util.Arrays.fill(pw, '\0');
      }
    }
    if (tls != null && tls.observed().clientCertSent) {
      findings.add(
          Finding.pass(
              FindingCode.CLIENT_CERT_ACCEPTED,
              "The server accepted our client certificate " + clientSubject() + "."));
    }
    if (connack.type() != 2) {
      findings.add(
          Finding.fail(
              FindingCode.MQTT_NO_CONNACK,
              "The broker answered CONNECT with packet type "
                  + connack.type()
                  + " instead of CONNACK.",
              "Check that this port serves MQTT."));
      return;
    }
    int rc = MqttWire.connackCode(connack);
    Finding f =
        ConnackMeaning.finding(
            level, rc, o.username().isPresent(), o.password().isPresent(), o.clientId());
    findings.add(f);
    if (f.status() != Status.PASS) {
      return;
    }
    roundTrip(in, out, level, tls);
  }

  private void roundTrip(InputStream in, OutputStream out, int level, TlsConnection tls) {
    String topic = o.topic();
    byte[] payload =
        ("mqttls doctor " + Long.toHexString(System.nanoTime())).getBytes(StandardCharsets.UTF_8);
    try {
      out.write(MqttWire.subscribe(level, 1, topic));
      out.flush();
      MqttWire.Packet suback = awaitType(in, 9, 1);
      int code = suback == null ? -1 : MqttWire.subackCode(level, suback);
      if (suback == null) {
        findings.add(
            Finding.fail(
                FindingCode.MQTT_SUBSCRIBE_DENIED,
                "No SUBACK for the test topic " + topic + ".",
                "Check the broker's log."));
        return;
      }
      if (code >= 0x80) {
        findings.add(
            Finding.fail(
                FindingCode.MQTT_SUBSCRIBE_DENIED,
                "The broker refused the subscription to the test topic "
                    + topic
                    + " (SUBACK 0x"
                    + Integer.toHexString(code)
                    + (code == 0x87 ? ", not authorized" : "")
                    + "): an ACL denies it.",
                "Allow this client to read "
                    + topic
                    + " in the broker's ACL, or pass --topic with a topic it may use."));
        return;
      }
      long beforeOut = tls == null ? 0 : tls.bytesOut();
      byte[] pub = MqttWire.publish(level, 2, topic, payload);
      out.write(pub);
      out.flush();
      long recordBytes = tls == null ? 0 : tls.bytesOut() - beforeOut;
      boolean acked = false;
      int pubackCode = 0;
      boolean received = false;
      long deadline = System.nanoTime() + o.timeout().toNanos();
      for (int i = 0; i < 50 && !(acked && received) && System.nanoTime() < deadline; i++) {
        MqttWire.Packet p;
        try {
          p = MqttWire.read(in);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (p.type() == 4 && MqttWire.packetId(p) == 2) {
          acked = true;
          pubackCode = MqttWire.pubackCode(p);
          if (pubackCode >= 0x80) {
            break;
          }
        } else if (p.type() == 3) {
          MqttWire.Publish m = MqttWire.parsePublish(level, p);
          if (m.qos() > 0) {
            out.write(MqttWire.puback(m.packetId()));
            out.flush();
          }
          if (m.topic().equals(topic) && java.util.Arrays.equals(m.payload(), payload)) {
            received = true;
          }
        }
      }
      if (acked && pubackCode >= 0x80) {
        findings.add(
            Finding.fail(
                FindingCode.MQTT_PUBLISH_DENIED,
                "The broker refused the publish to "
                    + topic
                    + " (PUBACK reason 0x"
                    + Integer.toHexString(pubackCode)
                    + (pubackCode == 0x87 ? ", not authorized" : "")
                    + ").",
                "Allow this client to write " + topic + " in the broker's ACL, or pass --topic."));
      } else if (!received) {
        findings.add(
            Finding.fail(
                FindingCode.MQTT_MESSAGE_LOST,
                "The test message published to "
                    + topic
                    + (acked ? " was acknowledged but" : "")
                    + " did not come back within "
                    + timeout
                    + " ms: the broker drops it silently (with MQTT 3.1.1 an ACL denial looks like this).",
                "Allow this client to read and write "
                    + topic
                    + " in the broker's ACL, or pass --topic with a topic it may use."));
      } else {
        findings.add(
            Finding.pass(
                FindingCode.MQTT_ROUND_TRIP,
                "Subscribed to " + topic + ", published at QoS 1, and received the message back."));
        if (tls != null) {
          publishCost =
              "A "
                  + pub.length
                  + "-byte PUBLISH took "
                  + recordBytes
                  + " bytes on the wire as TLS ("
                  + (recordBytes - pub.length)
                  + " bytes of record overhead).";
        }
      }
      out.write(MqttWire.disconnect());
      out.flush();
    } catch (TlsFatalAlertReceived e) {
      findings.add(
          Finding.fail(
              FindingCode.TLS_HANDSHAKE_FAILED,
              "The server ended the TLS session with the alert "
                  + Alerts.name(e.getAlertDescription())
                  + ".",
              "Check the broker's log."));
    } catch (IOException e) {
      findings.add(
          Finding.fail(
              FindingCode.MQTT_MESSAGE_LOST,
              "The round trip on " + topic + " failed: " + describe(e) + ".",
              "Check the broker's log: it may have closed the connection on an ACL denial."));
    }
  }

  private MqttWire.Packet awaitType(InputStream in, int type, int packetId) throws IOException {
    long deadline = System.nanoTime() + o.timeout().toNanos();
    for (int i = 0; i < 50 && System.nanoTime() < deadline; i++) {
      MqttWire.Packet p = MqttWire.read(in);
      if (p.type() == type && MqttWire.packetId(p) == packetId) {
        return p;
      }
    }
    return null;
  }

  // ---- step 3 version probes ------------------------------------------------------------------

  private void versionProbes() {
    sniProbe();
    Boolean v13 = acceptsOnly(ProtocolVersion.TLSv13, false);
    Boolean v12 = acceptsOnly(ProtocolVersion.TLSv12, true);
    Boolean v11 = acceptsOnly(ProtocolVersion.TLSv11, false);
    Boolean v10 = acceptsOnly(ProtocolVersion.TLSv10, false);
    if (v13 != null) {
      findings.add(
          v13
              ? Finding.pass(FindingCode.TLS13_ACCEPTED, "The server accepts TLS 1.3.")
              : Finding.info(
                  FindingCode.TLS13_REFUSED,
                  "The server does not accept TLS 1.3 (TLS 1.2 is enough for most devices; 1.3 saves a round trip)."));
    }
    if (v12 != null) {
      findings.add(
          v12
              ? Finding.pass(
                  FindingCode.TLS12_ACCEPTED,
                  "The server accepts TLS 1.2"
                      + (tls12Choice == null ? "" : " and picks " + tls12Choice)
                      + ".")
              : Finding.warn(
                  FindingCode.TLS12_REFUSED,
                  "The server does not accept TLS 1.2: devices without TLS 1.3 (most mbedTLS 2.x builds, older modems) cannot connect.",
                  "Allow TLS 1.2 on the broker (tls_version tlsv1.2)."));
    }
    if (v11 != null && v10 != null) {
      if (v11 || v10) {
        String which = v11 && v10 ? "TLS 1.1 and 1.0" : v11 ? "TLS 1.1" : "TLS 1.0";
        findings.add(
            Finding.warn(
                FindingCode.TLS_LEGACY_ACCEPTED,
                "The server still accepts " + which + ", deprecated since 2021 (RFC 8996).",
                "Set tls_version tlsv1.2 on the broker's listener."));
      } else {
        findings.add(
            Finding.pass(
                FindingCode.TLS_LEGACY_REFUSED,
                "The server refuses TLS 1.1 and 1.0, as it should."));
      }
    }
  }

  /** Connects once without SNI and compares with what the server sent for the name. */
  private void sniProbe() {
    if (sniName() == null || mainLeaf == null) {
      return;
    }
    TlsConnection.Offer offer =
        new TlsConnection.Offer(
            ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12),
            null,
            o.alpn().orElse(null),
            null,
            null,
            false);
    try (TlsConnection c = TlsConnection.open(address, timeout, offer, chain -> true)) {
      TlsConnection.Observed ob = c.observed();
      if (ob.serverChain.isEmpty()) {
        findings.add(
            Finding.warn(
                FindingCode.TLS_SNI,
                "Without SNI the server refuses the handshake ("
                    + (ob.alertReceived == null
                        ? describe(c.failure())
                        : "alert " + Alerts.name(ob.alertReceived))
                    + "): devices must send the name "
                    + sniName()
                    + " as SNI.",
                "Make sure the device sets SNI (mbedtls_ssl_set_hostname, or the modem's hostname option)."));
      } else if (ob.serverChain.get(0).equals(mainLeaf)) {
        findings.add(
            Finding.info(
                FindingCode.TLS_SNI, "The server sends the same certificate with or without SNI."));
      } else {
        findings.add(
            Finding.warn(
                FindingCode.TLS_SNI,
                "Without SNI the server sends another certificate, "
                    + Certs.subject(ob.serverChain.get(0))
                    + ", which devices that send no SNI will check instead.",
                "Make sure the device sets SNI to " + sniName() + "."));
      }
    } catch (IOException e) {
      LOG.debug("SNI probe failed", e);
    }
  }

  /** True/false when the server accepted/refused only this version; null when the probe broke. */
  private Boolean acceptsOnly(ProtocolVersion v, boolean withMfl) {
    TlsConnection.Offer offer =
        new TlsConnection.Offer(v.only(), sniName(), o.alpn().orElse(null), null, null, withMfl);
    try (TlsConnection c = TlsConnection.open(address, timeout, offer, chain -> true)) {
      TlsConnection.Observed ob = c.observed();
      if (ob.handshakeComplete && v.equals(ProtocolVersion.TLSv12)) {
        tls12Choice =
            SuiteNames.name(ob.cipherSuite)
                + (ob.group >= 0
                    ? " with " + org.bouncycastle.tls.NamedGroup.getName(ob.group)
                    : "");
      }
      if (withMfl && ob.handshakeComplete) {
        findings.add(
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

  // ---- step 8 ---------------------------------------------------------------------------------

  private void resumption(TlsSummary first, TlsConnection main) {
    // The first handshake of a process pays for crypto start-up; a second one shows the server.
    TlsConnection.Offer full =
        new TlsConnection.Offer(
            ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12),
            sniName(),
            o.alpn().orElse(null),
            credentials,
            null,
            false);
    TlsSummary measured = first;
    try (TlsConnection c =
        TlsConnection.open(
            address, timeout, full, chain -> verification != null && verification.trusted())) {
      TlsConnection.Observed ob = c.observed();
      if (ob.handshakeComplete) {
        measured =
            new TlsSummary(
                ob.version,
                ob.cipherSuite,
                ob.handshakeNanos,
                ob.handshakeBytesOut,
                ob.handshakeBytesIn,
                ob.certificateMessageBytes);
      }
    } catch (IOException e) {
      LOG.debug("second full handshake failed", e);
    }
    findings.add(
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
    if (publishCost != null) {
      findings.add(Finding.info(FindingCode.COST_HANDSHAKE, publishCost));
    }
    ProtocolVersion[] versions = ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    String note = "";
    org.bouncycastle.tls.TlsSession resumable = session;
    if (resumable == null || !resumable.isResumable()) {
      // The probe's TLS stack resumes TLS 1.2 sessions only; measure what a 1.2 device gets.
      versions = ProtocolVersion.TLSv12.only();
      note = " (measured with TLS 1.2; TLS 1.3 resumption is not probed)";
      TlsConnection.Offer full12 =
          new TlsConnection.Offer(
              versions, sniName(), o.alpn().orElse(null), credentials, null, false);
      try (TlsConnection c =
          TlsConnection.open(
              address, timeout, full12, chain -> verification != null && verification.trusted())) {
        TlsConnection.Observed ob = c.observed();
        if (ob.handshakeComplete) {
          measured =
              new TlsSummary(
                  ob.version,
                  ob.cipherSuite,
                  ob.handshakeNanos,
                  ob.handshakeBytesOut,
                  ob.handshakeBytesIn,
                  ob.certificateMessageBytes);
          resumable = c.resumableSession();
        }
      } catch (IOException e) {
        LOG.debug("TLS 1.2 full handshake failed", e);
      }
    }
    if (resumable == null || !resumable.isResumable()) {
      findings.add(
          Finding.info(
              FindingCode.COST_NO_RESUMPTION,
              "The server gave no resumable session (no session id or ticket)"
                  + note
                  + ", so every reconnect pays a full handshake."));
      return;
    }
    TlsConnection.Offer offer =
        new TlsConnection.Offer(
            versions, sniName(), o.alpn().orElse(null), credentials, resumable, false);
    try (TlsConnection c =
        TlsConnection.open(
            address, timeout, offer, chain -> verification != null && verification.trusted())) {
      TlsConnection.Observed ob = c.observed();
      if (ob.handshakeComplete && ob.resumed) {
        long saved = measured.in() + measured.out() - ob.handshakeBytesIn - ob.handshakeBytesOut;
        findings.add(
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
        findings.add(
            Finding.info(
                FindingCode.COST_NO_RESUMPTION,
                "The server did not resume the session offered"
                    + note
                    + " ("
                    + (ob.handshakeComplete ? "it ran a full handshake" : describe(c.failure()))
                    + "); every reconnect pays a full handshake."));
      }
    } catch (IOException e) {
      findings.add(
          Finding.info(
              FindingCode.COST_NO_RESUMPTION, "The resumption probe failed: " + describe(e) + "."));
    }
  }

  private static String fmtMs(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private String sniName() {
    String n = o.serverName();
    return Certs.isIpLiteral(n) ? null : n;
  }

  private String hostForUrl() {
    return o.host().contains(":") ? "[" + o.host() + "]" : o.host();
  }

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

  static boolean readable(Path p) {
    return Files.isReadable(p);
  }
}
