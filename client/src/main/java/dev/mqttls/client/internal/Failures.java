package dev.mqttls.client.internal;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.tls.client.PeerAlert;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one place where a transport or TLS exception becomes a named {@link MqttClientException}.
 * Causes are told apart by type, never by message text; where only text exists (a TLS alert from
 * the broker), the engine's own words are passed on with what they usually mean.
 */
public final class Failures {
  private Failures() {}

  /** The failure of a TCP connect to {@code url}. */
  public static MqttClientException connectFailed(Throwable t, String url) {
    if (t instanceof MqttClientException m) {
      return m;
    }
    if (t instanceof UnknownHostException) {
      return new MqttClientException(
          FailureKind.UNREACHABLE,
          "cannot resolve the host name in " + url + ": check the spelling, or give an IP address",
          t);
    }
    if (t instanceof ConnectTimeoutException) {
      return new MqttClientException(
          FailureKind.TIMEOUT, "no answer from " + url + " to the TCP connect (firewall?)", t);
    }
    if (t instanceof NoRouteToHostException) {
      return new MqttClientException(
          FailureKind.UNREACHABLE,
          "no route to " + url + ": check the address and this machine's network",
          t);
    }
    if (t instanceof ConnectException) {
      return new MqttClientException(
          FailureKind.UNREACHABLE,
          "nothing accepts connections at "
              + url
              + " (connection refused): is the broker running and listening there?",
          t);
    }
    // only a configured local address (MqttClientConfig.localAddress) is bound before connecting;
    // netty wraps the BindException in an annotated SocketException naming the remote address
    if (t instanceof java.net.BindException || t.getCause() instanceof java.net.BindException) {
      Throwable bind = t instanceof java.net.BindException ? t : t.getCause();
      return new MqttClientException(
          FailureKind.CONFIGURATION,
          "cannot connect to "
              + url
              + " from the local address given: "
              + Words.of(bind).toLowerCase(java.util.Locale.ROOT)
              + " (give one of this machine's addresses)",
          t);
    }
    return new MqttClientException(
        FailureKind.UNREACHABLE, "cannot connect to " + url + ": " + Words.of(t), t);
  }

  /** The failure of the SOCKS5 proxy {@code proxy} to connect us to {@code url}. */
  public static MqttClientException proxyFailed(Throwable t, String url, String proxy) {
    return new MqttClientException(
        FailureKind.UNREACHABLE,
        "the SOCKS5 proxy "
            + proxy
            + " did not connect us to "
            + url
            + ": "
            + Words.of(t)
            + ": check the proxy's address and credentials, and that it can reach the broker",
        t);
  }

  /**
   * The failure of the TLS handshake with {@code url}.
   *
   * @param presentedCertificate whether we had a client certificate to present
   */
  public static MqttClientException handshakeFailed(
      Throwable t, String url, boolean presentedCertificate) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ServerCertificateRejected r) {
        return new MqttClientException(
            FailureKind.CERTIFICATE, "TLS: " + r.getMessage() + " [" + r.reason() + "]", t);
      }
    }
    Optional<PeerAlert> alert = PeerAlert.of(t);
    if (alert.isPresent()) {
      PeerAlert a = alert.get();
      return new MqttClientException(
          a.isAboutOurCertificate() ? FailureKind.CERTIFICATE : FailureKind.TLS_HANDSHAKE,
          "TLS: " + url + " refused the handshake: " + a.meaning() + " [alert " + a.name() + "]",
          t);
    }
    if (t instanceof SslHandshakeTimeoutException) {
      return new MqttClientException(
          FailureKind.TIMEOUT,
          "TLS: the handshake with " + url + " did not complete in time (is it a TLS port?)",
          t);
    }
    if (t instanceof NotSslRecordException) {
      return new MqttClientException(
          FailureKind.TLS_HANDSHAKE,
          "TLS: "
              + url
              + " did not answer with TLS: is this a plain MQTT port? (try mqtt:// or the TLS port)",
          t);
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CertificateException) {
        return new MqttClientException(
            FailureKind.CERTIFICATE,
            "TLS: the broker's certificate was not accepted: " + Words.of(c),
            t);
      }
    }
    if (t instanceof ClosedChannelException
        || (t instanceof java.io.IOException && !(t instanceof SSLException))) {
      return new MqttClientException(
          FailureKind.TLS_HANDSHAKE,
          "TLS: "
              + url
              + " closed the connection during the handshake: is it a plain MQTT port (try"
              + " mqtt://)"
              + (presentedCertificate
                  ? "?"
                  : ", or does it require a client certificate (--cert, --key)?"),
          t);
    }
    if (t instanceof SSLHandshakeException || t instanceof SSLException) {
      return new MqttClientException(
          FailureKind.TLS_HANDSHAKE,
          "TLS: the handshake with "
              + url
              + " failed: "
              + Words.of(t)
              + (presentedCertificate
                  ? " (if this is an alert, the broker may not trust our certificate, or shares no TLS version or cipher with us)"
                  : " (the broker may require a client certificate, or share no TLS version or cipher with us)"),
          t);
    }
    return new MqttClientException(
        FailureKind.TLS_HANDSHAKE, "TLS: the handshake with " + url + " failed: " + Words.of(t), t);
  }
}
