package dev.mqttls.client.internal.connect;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.TlsSessionInfo;
import dev.mqttls.client.internal.Failures;
import dev.mqttls.client.internal.ReasonTexts;
import dev.mqttls.client.internal.Words;
import dev.mqttls.client.internal.session.ClientSession;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MalformedPacket;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.PacketType;
import dev.mqttls.codec.ReasonCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The handler of one connection attempt and, once a CONNACK accepts it, of the connection: it sends
 * CONNECT after TCP (and TLS), hands the CONNACK to the {@link Connector}, the session's packets to
 * the {@link ClientSession}, and tells the connector how the connection ended, with a named cause.
 * One instance per channel, on the client's event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final String PLAIN_HINT =
      " (if this is a TLS port, connect with mqtts:// or TLS options)";

  private final Connector connector;
  private final ClientSession session;
  private final MqttClientConfig config;
  private final String url;
  private final boolean tlsConfigured;
  ChannelHandlerContext ctx;
  ScheduledFuture<?> timeout;
  String stage = "";
  boolean done;
  boolean accepted;
  TlsSessionInfo tls;
  MqttClientException lossCause;

  ConnectionHandler(
      Connector connector, ClientSession session, MqttClientConfig config, String url) {
    this.connector = connector;
    this.session = session;
    this.config = config;
    this.url = url;
    this.tlsConfigured = config.tls().isPresent();
  }

  /** The broker this attempt connects to, as messages name it. */
  String url() {
    return url;
  }

  void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  /** Records why the accepted connection is about to close, unless a cause is already known. */
  void lossCause(MqttClientException cause) {
    if (lossCause == null) {
      lossCause = cause;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  void sendConnect(Channel ch) {
    stage = "waiting for CONNACK";
    ch.writeAndFlush(session.connectPacket())
        .addListener(
            (ChannelFutureListener)
                wf -> {
                  if (!wf.isSuccess()) {
                    MqttClientException proxy = proxyFailure(wf.cause());
                    connector.attemptFailed(
                        this,
                        proxy != null
                            ? proxy
                            : new MqttClientException(
                                FailureKind.UNREACHABLE,
                                "cannot send CONNECT to " + url + ": " + Words.of(wf.cause()),
                                wf.cause()));
                  }
                });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      sendConnect(ctx.channel());
      return;
    }
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      connector.attemptFailed(
          this,
          new MqttClientException(
              FailureKind.UNREACHABLE,
              "no answer to the WebSocket upgrade from " + url + " in time",
              null));
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent e) {
      if (e.isSuccess()) {
        tls = tlsInfo(ctx.pipeline().get(SslHandler.class));
        if (config.webSocketPath().isPresent()) {
          stage = "WebSocket upgrade";
        } else {
          sendConnect(ctx.channel());
        }
      } else {
        MqttClientException proxy = proxyFailure(e.cause());
        connector.attemptFailed(
            this,
            proxy != null
                ? proxy
                : Failures.handshakeFailed(e.cause(), url, hasClientCertificate()));
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!connector.isCurrent(this)) {
        return;
      }
      if (msg instanceof MalformedPacket bad) {
        malformed(ctx, bad);
      } else if (!accepted) {
        if (msg instanceof Connack c) {
          connector.connackReceived(this, c);
        } else {
          connector.attemptFailed(
              this,
              new MqttClientException(
                  FailureKind.PROTOCOL,
                  "the broker at " + url + " sent " + describe(msg) + " before CONNACK",
                  null));
        }
      } else if (msg instanceof Disconnect d) {
        String reason = d.properties().reasonString();
        lossCause =
            new MqttClientException(
                FailureKind.CONNECTION_LOST,
                "the broker at "
                    + url
                    + " disconnected us: "
                    + ReasonTexts.name(d.reasonCode())
                    + (reason != null ? " (" + reason + ")" : ""),
                d.reasonCode(),
                reason,
                null);
        ctx.close();
      } else if (!(msg instanceof MqttPacket p) || !session.received(p)) {
        lossCause =
            new MqttClientException(
                FailureKind.PROTOCOL,
                "the broker at "
                    + url
                    + " sent "
                    + describe(msg)
                    + ", which a client never receives",
                null);
        closeWith(ctx, ReasonCode.PROTOCOL_ERROR);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void malformed(ChannelHandlerContext ctx, MalformedPacket bad) {
    MqttClientException e =
        new MqttClientException(
            FailureKind.PROTOCOL,
            "the broker at " + url + " sent a malformed packet: " + bad,
            bad.reason(),
            null,
            null);
    if (!accepted) {
      connector.attemptFailed(this, e);
      return;
    }
    lossCause = e;
    closeWith(
        ctx,
        bad.reason().isAllowedIn(PacketType.DISCONNECT) ? bad.reason() : ReasonCode.PROTOCOL_ERROR);
  }

  /** Closes after telling an MQTT 5 broker why with DISCONNECT. */
  private void closeWith(ChannelHandlerContext ctx, ReasonCode reason) {
    if (config.version() == MqttVersion.V5) {
      ctx.writeAndFlush(new Disconnect(reason)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    MqttClientException e = proxyFailure(cause);
    if (e != null) {
      // the proxy's refusal, named once; the close that follows adds nothing
    } else if (cause instanceof DecoderException de && de.getCause() instanceof SSLException) {
      e = Failures.handshakeFailed(de.getCause(), url, hasClientCertificate());
    } else if (!accepted && tlsConfigured && tls == null) {
      e = Failures.handshakeFailed(cause, url, hasClientCertificate());
    } else if (cause instanceof IOException) {
      e =
          new MqttClientException(
              FailureKind.CONNECTION_LOST,
              "the connection to "
                  + url
                  + " failed: "
                  + Words.of(cause)
                  + (accepted || tlsConfigured ? "" : PLAIN_HINT),
              cause);
    } else {
      e =
          new MqttClientException(
              FailureKind.PROTOCOL,
              "the connection to " + url + " failed: " + Words.of(cause),
              cause);
    }
    if (!accepted) {
      connector.attemptFailed(this, e);
    } else {
      lossCause(e);
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!accepted) {
      boolean hasCert = hasClientCertificate();
      String hint =
          tls != null
              ? hasCert
                  ? " right after the TLS handshake: the broker may not trust our client certificate"
                  : " right after the TLS handshake: the broker may require a client certificate"
                      + " (--cert and --key)"
              : tlsConfigured ? "" : PLAIN_HINT;
      connector.attemptFailed(
          this,
          new MqttClientException(
              tls != null ? FailureKind.CERTIFICATE : FailureKind.CONNECTION_LOST,
              "the broker at " + url + " closed the connection before CONNACK" + hint,
              null));
      return;
    }
    connector.connectionLost(
        this,
        lossCause != null
            ? lossCause
            : new MqttClientException(
                FailureKind.CONNECTION_LOST,
                "the broker at " + url + " closed the connection",
                null));
  }

  /** The SOCKS5 proxy's failure to connect us, if {@code t} is (or was caused by) one. */
  private MqttClientException proxyFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProxyConnectException) {
        return Failures.proxyFailed(
            c, url, config.socks5Proxy().map(Object::toString).orElse("(none)"));
      }
    }
    return null;
  }

  private boolean hasClientCertificate() {
    return config
        .tls()
        .map(t -> t.certFile().isPresent() || t.pkcs12File().isPresent())
        .orElse(false);
  }

  private static String describe(Object msg) {
    return msg instanceof MqttPacket p ? p.type().name() : String.valueOf(msg);
  }

  private static TlsSessionInfo tlsInfo(SslHandler ssl) {
    if (ssl == null) {
      return null;
    }
    SSLSession s = ssl.engine().getSession();
    String subject = "";
    String issuer = "";
    Instant notAfter = Instant.EPOCH;
    try {
      Certificate[] peer = s.getPeerCertificates();
      if (peer.length > 0 && peer[0] instanceof X509Certificate x) {
        subject = x.getSubjectX500Principal().getName();
        issuer = x.getIssuerX500Principal().getName();
        notAfter = x.getNotAfter().toInstant();
      }
    } catch (SSLPeerUnverifiedException e) {
      // no certificate: only possible with anonymous suites, which are never enabled
    }
    return new TlsSessionInfo(
        s.getProtocol(),
        s.getCipherSuite(),
        Optional.ofNullable(ssl.applicationProtocol()),
        subject,
        issuer,
        notAfter);
  }
}
