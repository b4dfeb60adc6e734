package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.tls.HandshakeFailureCause;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Steps 1 and 2: name resolution, the TCP connection, and what protocol answers on the port. */
final class Reachability {

  private final ProbeContext ctx;

  Reachability(ProbeContext ctx) {
    this.ctx = ctx;
  }

  boolean resolveAndConnect() {
    InetAddress[] addrs;
    try {
      addrs = InetAddress.getAllByName(ctx.o.host());
    } catch (UnknownHostException e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.DNS_UNRESOLVED,
              "The name " + ctx.o.host() + " does not resolve to any address.",
              "Check the spelling, the DNS server, or use the broker's IP address."));
      return false;
    }
    if (!Certs.isIpLiteral(ctx.o.host())) {
      List<String> list = new ArrayList<>();
      for (InetAddress a : addrs) {
        list.add(a.getHostAddress());
      }
      ctx.findings.add(
          Finding.info(
              FindingCode.DNS_RESOLVED,
              ctx.o.host() + " resolves to " + String.join(", ", list) + "."));
    }
    ctx.address = new InetSocketAddress(addrs[0], ctx.o.port());
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(ctx.address, ctx.timeout);
      long ms = (System.nanoTime() - start) / 1_000_000;
      ctx.findings.add(
          Finding.pass(
              FindingCode.TCP_CONNECTED,
              "TCP connection to "
                  + addrs[0].getHostAddress()
                  + ":"
                  + ctx.o.port()
                  + " established ("
                  + ms
                  + " ms)."));
      return true;
    } catch (ConnectException e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.TCP_REFUSED,
              addrs[0].getHostAddress()
                  + " refused the connection on port "
                  + ctx.o.port()
                  + ": nothing listens there.",
              "Start the broker, or check the port (TLS is usually 8883, plain MQTT 1883) and the listener's bind address."));
    } catch (SocketTimeoutException e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.TCP_TIMEOUT,
              "No answer from "
                  + addrs[0].getHostAddress()
                  + ":"
                  + ctx.o.port()
                  + " within "
                  + ctx.timeout
                  + " ms.",
              "A firewall drops the packets, or the host is down or unreachable."));
    } catch (NoRouteToHostException e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.TCP_FAILED,
              "No route to " + addrs[0].getHostAddress() + ".",
              "Check the network path and firewall."));
    } catch (IOException e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.TCP_FAILED,
              "The TCP connection failed: " + ProbeRunner.describe(e) + ".",
              "Check the network path and firewall."));
    }
    return false;
  }

  boolean sniffTlsPort() {
    PortSniffer.Sniff tls = sniff(true);
    if (tls.speaks() == PortSniffer.Speaks.TLS) {
      ctx.findings.add(
          Finding.pass(FindingCode.PORT_SPEAKS_TLS, "Port " + ctx.o.port() + " speaks TLS."));
      return true;
    }
    PortSniffer.Sniff mqtt = sniff(false);
    if (mqtt.speaks() == PortSniffer.Speaks.MQTT) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.PORT_PLAIN_GIVEN_AS_TLS,
              "Port "
                  + ctx.o.port()
                  + " speaks plain MQTT, not TLS: it answered a TLS ClientHello by closing and an MQTT CONNECT with a CONNACK. (OpenSSL calls this \"wrong version number\".)",
              HandshakeFailureCause.TLS_ON_PLAIN_PORT.remedy()));
      return false;
    }
    unknownProtocol(tls);
    return false;
  }

  boolean sniffPlainPort() {
    PortSniffer.Sniff mqtt = sniff(false);
    if (mqtt.speaks() == PortSniffer.Speaks.MQTT) {
      ctx.findings.add(
          Finding.pass(
              FindingCode.PORT_SPEAKS_MQTT,
              "Port "
                  + ctx.o.port()
                  + " speaks plain MQTT (unencrypted: user names and passwords cross the network in clear)."));
      return true;
    }
    PortSniffer.Sniff tls = sniff(true);
    if (tls.speaks() == PortSniffer.Speaks.TLS) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.PORT_TLS_GIVEN_AS_PLAIN,
              "Port "
                  + ctx.o.port()
                  + " speaks TLS, but the URL asks for plain MQTT: the broker saw MQTT bytes where it expected a TLS handshake.",
              "Use mqtts://" + ctx.hostForUrl() + ":" + ctx.o.port() + " with --cafile."));
      return false;
    }
    unknownProtocol(mqtt);
    return false;
  }

  private void unknownProtocol(PortSniffer.Sniff s) {
    switch (s.speaks()) {
      case OTHER ->
          ctx.findings.add(
              Finding.fail(
                  FindingCode.PORT_UNKNOWN_PROTOCOL,
                  "Port "
                      + ctx.o.port()
                      + " answers with something that is neither TLS nor MQTT: "
                      + s.preview()
                      + ".",
                  "Check the port: another service (HTTP, SSH, ...) listens there."));
      case SILENT ->
          ctx.findings.add(
              Finding.fail(
                  FindingCode.PORT_SILENT,
                  "Port "
                      + ctx.o.port()
                      + " accepts connections but answers neither a TLS ClientHello nor an MQTT CONNECT within "
                      + ctx.timeout
                      + " ms.",
                  "Check that the broker (not a proxy or load balancer without backend) listens on this port."));
      default ->
          ctx.findings.add(
              Finding.fail(
                  FindingCode.PORT_SILENT,
                  "Port "
                      + ctx.o.port()
                      + " accepts connections but closes them at once, both for TLS and for plain MQTT.",
                  "Check the broker's log: it may refuse this client's address, or be out of connections."));
    }
  }

  private PortSniffer.Sniff sniff(boolean tls) {
    try (Socket s = PortSniffer.connect(ctx.address, ctx.timeout)) {
      return tls
          ? PortSniffer.sniffTls(s, ctx.sniName(), ctx.timeout)
          : PortSniffer.sniffMqtt(s, ctx.timeout);
    } catch (IOException e) {
      return new PortSniffer.Sniff(PortSniffer.Speaks.CLOSED, "");
    }
  }
}
