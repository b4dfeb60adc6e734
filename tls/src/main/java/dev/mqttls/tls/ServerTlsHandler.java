package dev.mqttls.tls;

import dev.mqttls.tls.internal.ClientHello;
import dev.mqttls.tls.internal.ClientHelloParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * First handler of a TLS listener's connection. Buffers the first bytes until it has the whole
 * ClientHello (or knows the bytes are not TLS), chooses certificate and engine from it, then
 * replaces itself with an {@link SslHandler} and a {@link HandshakeObserver}. One instance per
 * connection; all state is confined to the channel's event loop.
 */
final class ServerTlsHandler extends ChannelInboundHandlerAdapter {
  private final ServerTls tls;
  private ByteBuf buffered;
  private ScheduledFuture<?> timeout;
  private long startNanos;
  private boolean started;
  private boolean finished;

  ServerTlsHandler(ServerTls tls) {
    this.tls = tls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      // Added to an active channel (e.g. during ChannelInitializer on an accepted socket): start
      // once the rest of the pipeline is in place, so our events reach the broker's handlers.
      ctx.executor().execute(() -> start(ctx));
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (started || finished || !ctx.channel().isActive()) {
      return;
    }
    started = true;
    startNanos = System.nanoTime();
    long ms = tls.settings().handshakeTimeout().toMillis();
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (!finished) {
                    finished = true;
                    release();
                    HandshakeLog.fail(
                        ctx,
                        tls.listenerName(),
                        HandshakeFailureCause.HANDSHAKE_TIMEOUT,
                        "sent no complete ClientHello within " + ms + " ms (tls_handshake_timeout)",
                        null,
                        null,
                        false);
                  }
                },
                ms,
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (finished) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf in = (ByteBuf) msg;
    if (buffered == null) {
      buffered = in;
    } else {
      ByteBuf merged = ctx.alloc().buffer(buffered.readableBytes() + in.readableBytes());
      merged.writeBytes(buffered).writeBytes(in);
      buffered.release();
      in.release();
      buffered = merged;
    }
    decide(ctx);
  }

  private void decide(ChannelHandlerContext ctx) {
    ByteBuf in = buffered;
    if (!in.isReadable()) {
      return;
    }
    int first = in.getUnsignedByte(in.readerIndex());
    if (first == 22) {
      ClientHelloParser.Result r = ClientHelloParser.parse(in);
      if (r instanceof ClientHelloParser.NeedMore) {
        return;
      }
      if (r instanceof ClientHelloParser.Malformed) {
        fail(
            ctx,
            HandshakeFailureCause.MALFORMED_CLIENT_HELLO,
            "sent a malformed ClientHello: " + ((ClientHelloParser.Malformed) r).why());
        return;
      }
      switchToTls(ctx, ((ClientHelloParser.Complete) r).hello());
      return;
    }
    if (first == 0x10) { // CONNECT
      fail(
          ctx,
          HandshakeFailureCause.PLAIN_MQTT_ON_TLS_PORT,
          "sent plain MQTT (CONNECT) to a TLS listener; connect with TLS (e.g. --cafile) or use"
              + " the plain port");
      return;
    }
    if ((first & 0x80) != 0
        && in.readableBytes() >= 3
        && in.getUnsignedByte(in.readerIndex() + 2) == 1) {
      fail(
          ctx,
          HandshakeFailureCause.PROTOCOL_VERSION_TOO_OLD,
          "sent an SSL 2.0-format ClientHello; this listener accepts "
              + tls.settings().minVersion().toLowerCase(java.util.Locale.ROOT)
              + " and up");
      return;
    }
    fail(ctx, HandshakeFailureCause.NOT_TLS, "sent bytes that are not TLS: " + preview(in));
  }

  private static String preview(ByteBuf in) {
    int n = Math.min(8, in.readableBytes());
    StringBuilder hex = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int b = in.getUnsignedByte(in.readerIndex() + i);
      hex.append(String.format(Locale.ROOT, "%02x ", b));
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return hex.toString().trim() + " (\"" + text + "\")";
  }

  private void fail(ChannelHandlerContext ctx, HandshakeFailureCause cause, String detail) {
    finished = true;
    cancelTimeout();
    release();
    HandshakeLog.fail(ctx, tls.listenerName(), cause, detail, null, null, false);
  }

  private void switchToTls(ChannelHandlerContext ctx, ClientHello hello) {
    finished = true;
    cancelTimeout();
    ServerTlsGeneration gen = tls.generation();
    ServerTlsGeneration.Site site = gen.site(hello.serverName());
    String bctls = BctlsRoute.reason(tls.settings(), site, hello, tls.engine());
    if (bctls != null) {
      switchToBctls(ctx, hello, gen, site, bctls);
      return;
    }
    TlsEngine engine = tls.engine();
    if (hello.maxFragmentLength() > 0 && engine == TlsEngine.OPENSSL) {
      // BoringSSL does not implement RFC 6066 max_fragment_length; SunJSSE does. A device that
      // asks for small records has small buffers and would fail on a full 16 KiB record.
      engine = TlsEngine.JDK;
      String remote = HandshakeLog.address(ctx.channel().remoteAddress());
      if (tls.firstMflSwitch()) {
        ServerTls.LOG.info(
            "listener {}: {} asked for max_fragment_length {}; using the JDK engine for this"
                + " connection (BoringSSL does not implement it); further switches are logged at"
                + " debug level",
            tls.listenerName(),
            remote,
            hello.maxFragmentLength());
      } else {
        ServerTls.LOG.debug(
            "listener {}: {} asked for max_fragment_length {}; using the JDK engine",
            tls.listenerName(),
            remote,
            hello.maxFragmentLength());
      }
    }
    SslContext sc = site.context(engine);
    // The engine carries the peer's address so the trust manager can report, per connection,
    // that it was shown a certificate (CertificateSightings).
    SslHandler ssl;
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress
        && ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress() != null) {
      InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
      ssl = sc.newHandler(ctx.alloc(), remote.getAddress().getHostAddress(), remote.getPort());
    } else {
      ssl = sc.newHandler(ctx.alloc());
    }
    SSLEngine e = ssl.engine();
    if (e instanceof ReferenceCountedOpenSslEngine o && e.getNeedClientAuth()) {
      // Netty fixes the verify depth at 10, and the engine then hands the trust manager only the
      // first 10 certificates, so a longer chain that does reach the CA was refused as an unknown
      // issuer. One more than tls_max_chain_depth lets ClientCertificateVerifier name a chain that
      // is too long for what it is.
      SSL.setVerify(o.sslPointer(), SSL.SSL_CVERIFY_REQUIRED, tls.settings().maxChainDepth() + 1);
    }
    if (engine == TlsEngine.JDK) {
      SSLParameters p = e.getSSLParameters();
      p.setUseCipherSuitesOrder(true);
      e.setSSLParameters(p);
    }
    long left =
        tls.settings().handshakeTimeout().toMillis()
            - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    ssl.setHandshakeTimeoutMillis(Math.max(1, left));
    int wrapSize = tls.settings().maxRecordSize();
    if (hello.recordSizeLimit() >= 64 && hello.recordSizeLimit() <= 16384) {
      // RFC 8449 record_size_limit: neither engine acknowledges it, but keeping our application
      // records within it costs nothing and spares a small device (one byte of the limit is the
      // TLS 1.3 inner content type).
      int limit = hello.recordSizeLimit() - 1;
      wrapSize = wrapSize > 0 ? Math.min(wrapSize, limit) : limit;
    }
    if (wrapSize > 0) {
      ssl.setWrapDataSize(wrapSize);
    }
    HandshakeObserver observer =
        new HandshakeObserver(tls, gen, site, hello, engine, ssl, System.currentTimeMillis());
    RecordSniffer sniffer = new RecordSniffer();
    observer.sniffer(sniffer);
    String base = ctx.name();
    ctx.pipeline().addAfter(base, base + "-records", sniffer);
    String beforeSsl = base + "-records";
    if (engine == TlsEngine.JDK && gen.verifier != null) {
      Tls12AlertNamer namer = new Tls12AlertNamer();
      observer.alertNamer(namer);
      ctx.pipeline().addAfter(beforeSsl, base + "-alerts", namer);
      beforeSsl = base + "-alerts";
    }
    ctx.pipeline().addAfter(beforeSsl, base + "-ssl", ssl);
    ctx.pipeline().addAfter(base + "-ssl", base + "-observer", observer);
    ByteBuf buf = buffered;
    buffered = null;
    ctx.fireChannelRead(buf);
    ctx.pipeline().remove(this);
  }

  private void switchToBctls(
      ChannelHandlerContext ctx,
      ClientHello hello,
      ServerTlsGeneration gen,
      ServerTlsGeneration.Site site,
      String why) {
    if (ServerTls.LOG.isDebugEnabled()) {
      ServerTls.LOG.debug(
          "listener {}: {} {}; using the bctls engine",
          tls.listenerName(),
          HandshakeLog.address(ctx.channel().remoteAddress()),
          why);
    }
    long left =
        tls.settings().handshakeTimeout().toMillis()
            - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    String base = ctx.name();
    ctx.pipeline().addAfter(base, base + "-ssl", gen.bctls(site).newHandler(Math.max(1, left)));
    ctx.pipeline().addAfter(base + "-ssl", base + "-observer", new BcTlsObserver(tls, gen, hello));
    ByteBuf buf = buffered;
    buffered = null;
    ctx.fireChannelRead(buf);
    ctx.pipeline().remove(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!finished) {
      finished = true;
      cancelTimeout();
      boolean nothing = buffered == null || !buffered.isReadable();
      release();
      String remote = HandshakeLog.address(ctx.channel().remoteAddress());
      // A connect-and-close without a byte is what health checks and port scanners do.
      if (nothing) {
        ServerTls.LOG.debug(
            "listener {}: {} closed the connection before sending anything",
            tls.listenerName(),
            remote);
      } else {
        ServerTls.LOG.info(
            "listener {}: {} handshake failed: closed the connection in the middle of its"
                + " ClientHello ({})",
            tls.listenerName(),
            remote,
            HandshakeFailureCause.PEER_CLOSED);
      }
      ctx.fireUserEventTriggered(
          new TlsHandshakeFailed(
              tls.listenerName(), remote, HandshakeFailureCause.PEER_CLOSED, "closed early"));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimeout();
    release();
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  private void release() {
    if (buffered != null) {
      buffered.release();
      buffered = null;
    }
  }
}
