package dev.mqttls.tls;

import dev.mqttls.tls.internal.ClientHello;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Sits right after the {@link SslHandler} until the handshake ends: on success it enforces {@code
 * require_certificate}, re-checks resumed sessions against the current CRL, builds the {@link
 * DeviceIdentity} and fires {@link TlsSessionEstablished}; on failure it classifies the cause, logs
 * one line and closes. Confined to the channel's event loop.
 */
final class HandshakeObserver extends ChannelInboundHandlerAdapter {

  private final ServerTls tls;
  private final ServerTlsGeneration gen;
  private final ServerTlsGeneration.Site site;
  private final ClientHello hello;
  private final TlsEngine engine;
  private final SslHandler ssl;
  private final long startMillis;
  private RecordSniffer sniffer;
  private Tls12AlertNamer alertNamer;
  private boolean failed;

  HandshakeObserver(
      ServerTls tls,
      ServerTlsGeneration gen,
      ServerTlsGeneration.Site site,
      ClientHello hello,
      TlsEngine engine,
      SslHandler ssl,
      long startMillis) {
    this.tls = tls;
    this.gen = gen;
    this.site = site;
    this.hello = hello;
    this.engine = engine;
    this.ssl = ssl;
    this.startMillis = startMillis;
  }

  void sniffer(RecordSniffer s) {
    this.sniffer = s;
  }

  void alertNamer(Tls12AlertNamer n) {
    this.alertNamer = n;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent) {
      SslHandshakeCompletionEvent e = (SslHandshakeCompletionEvent) evt;
      if (e.isSuccess()) {
        onSuccess(ctx);
      } else {
        onFailure(ctx, e.cause());
      }
      if (!failed) {
        ctx.fireUserEventTriggered(evt);
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void onSuccess(ChannelHandlerContext ctx) {
    tls.sightings().take(CertificateSightings.key(ctx.channel().remoteAddress()));
    SSLSession session = ssl.engine().getSession();
    X509Certificate[] peer = peerChain(session);
    boolean resumed = resumed(session);
    Optional<DeviceIdentity> identity = Optional.empty();
    if (gen.verifier != null) {
      try {
        if (peer == null) {
          throw new ClientCertificateRejected(
              dev.mqttls.tls.verify.CertificateError.NO_CERTIFICATE,
              "no client certificate, and this listener requires one (require_certificate true)");
        }
        // Verified again after every handshake, not only inside it: a resumed session (whose
        // detection is a heuristic on the JDK engine) skips the in-handshake check, and a ticket
        // outlives reloads. The chain must pass against the current CAs and CRL; verified
        // chains are cached per material set, so this costs a digest and the CRL lookup.
        identity = Optional.of(tls.generation().verifier.verify(peer));
      } catch (ClientCertificateRejected r) {
        failed = true;
        remove(ctx);
        HandshakeLog.fail(
            ctx, tls.listenerName(), r.failureCause(), r.getMessage(), hello, engine, false);
        return;
      }
    }
    String alpn = ssl.applicationProtocol();
    TlsSessionEstablished ev =
        new TlsSessionEstablished(
            tls.listenerName(),
            session.getProtocol(),
            session.getCipherSuite(),
            identity,
            hello.serverName(),
            Optional.ofNullable(alpn),
            engine,
            resumed);
    if (ServerTls.LOG.isDebugEnabled()) {
      ServerTls.LOG.debug(
          "listener {}: {} TLS established: {} {}{}{}{}",
          tls.listenerName(),
          HandshakeLog.address(ctx.channel().remoteAddress()),
          ev.protocol(),
          ev.cipherSuite(),
          identity.map(i -> ", identity " + i).orElse(""),
          resumed ? ", resumed" : "",
          ", engine " + engine.directiveName());
    }
    remove(ctx);
    ctx.fireUserEventTriggered(ev);
  }

  private void onFailure(ChannelHandlerContext ctx, Throwable cause) {
    failed = true;
    X509Certificate shown =
        tls.sightings().take(CertificateSightings.key(ctx.channel().remoteAddress()));
    FailureClassifier.Verdict v =
        FailureClassifier.classify(cause, hello, tls.settings(), gen, site, engine, sniffer, shown);
    ClientCertificateRejected rejected = FailureClassifier.rejection(cause);
    if (alertNamer != null && rejected != null) {
      // before the close below flushes the engine's alert
      alertNamer.refusedWith(rejected.alert());
    }
    remove(ctx);
    HandshakeLog.fail(ctx, tls.listenerName(), v.cause(), v.detail(), hello, engine, false);
  }

  private void remove(ChannelHandlerContext ctx) {
    if (sniffer != null && ctx.pipeline().context(sniffer) != null) {
      ctx.pipeline().remove(sniffer);
    }
    if (alertNamer != null && !failed && ctx.pipeline().context(alertNamer) != null) {
      // kept after a failure: the engine's alert is written after the failure event
      ctx.pipeline().remove(alertNamer);
    }
    if (!failed && ctx.pipeline().context(this) != null) {
      ctx.pipeline().remove(this); // after a failure it stays, to take the engine's exception
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failed) {
      // The handshake's failure, already logged in its one line and closing the connection: not
      // an error of whatever handles MQTT after us, which would log it again with a stack trace.
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private static X509Certificate[] peerChain(SSLSession session) {
    try {
      Certificate[] certs = session.getPeerCertificates();
      if (certs == null || certs.length == 0) {
        return null;
      }
      X509Certificate[] out = new X509Certificate[certs.length];
      for (int i = 0; i < certs.length; i++) {
        out[i] = (X509Certificate) certs[i];
      }
      return out;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  // Exact on the OpenSSL engine; on the JDK engine a heuristic (SunJSSE does not say).
  private boolean resumed(SSLSession session) {
    // Only touch the OpenSSL classes on the OpenSSL engine: initialising them without the native
    // library loaded (tls_engine jdk) throws UnsatisfiedLinkError.
    if (engine == TlsEngine.OPENSSL
        && OpenSslReuse.REUSED != null
        && OpenSslReuse.ENGINE.isInstance(ssl.engine())) {
      try {
        return (boolean) OpenSslReuse.REUSED.invoke(ssl.engine());
      } catch (Throwable t) {
        // fall through to the creation-time test
      }
    }
    // A resumed session keeps the creation time of the handshake that made it.
    return session.getCreationTime() < startMillis - 1000;
  }

  /** Holder, initialised on first use only (on the OpenSSL engine). */
  private static final class OpenSslReuse {
    static final Class<?> ENGINE = opensslEngineClass();
    static final MethodHandle REUSED = opensslReused();

    private static Class<?> opensslEngineClass() {
      try {
        return Class.forName("io.netty.handler.ssl.ReferenceCountedOpenSslEngine");
      } catch (ClassNotFoundException e) {
        return Void.class;
      }
    }

    // Netty knows whether BoringSSL resumed (SSL_session_reused) but keeps it package-private.
    private static MethodHandle opensslReused() {
      try {
        Method m = ENGINE.getDeclaredMethod("isSessionReused");
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }
}
