package dev.mqttls.tls.bctls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Runs a bctls server handshake and its records on one channel, in the place Netty's {@code
 * SslHandler} takes for the other engines: TLS bytes in, application bytes out to the next handler,
 * and the reverse for writes. Uses {@link TlsServerProtocol} in non-blocking mode with {@link
 * BcTlsCrypto} (pure Java; the JDK has no AES-CCM). Fires one {@link BcTlsHandshake} when the
 * handshake ends; after a failure it sends bctls's alert and leaves the close to whoever logs the
 * failure. Writes made before the handshake ends wait for it. One instance per channel, confined to
 * its event loop.
 */
public final class BcTlsHandler extends ChannelDuplexHandler {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final BcTlsConfig config;
  private final AsymmetricKeyParameter signingKey;
  private final long handshakeTimeoutMillis;
  private final TlsServerProtocol protocol = new TlsServerProtocol();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private BcServer server;
  private ScheduledFuture<?> timeout;
  private boolean done;
  private boolean failed;

  private record Pending(ByteBuf data, ChannelPromise promise) {}

  BcTlsHandler(BcTlsConfig config, AsymmetricKeyParameter signingKey, long handshakeTimeoutMillis) {
    this.config = config;
    this.signingKey = signingKey;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    server = new BcServer(new BcTlsCrypto(RANDOM), config, signingKey);
    try {
      protocol.accept(server);
    } catch (IOException e) {
      fail(ctx, e);
      return;
    }
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (!done) {
                    fail(
                        ctx,
                        new SslHandshakeTimeoutException(
                            "handshake timed out after " + handshakeTimeoutMillis + "ms"));
                  }
                },
                handshakeTimeoutMillis,
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (failed) {
      in.release();
      return;
    }
    byte[] bytes = ByteBufUtil.getBytes(in);
    in.release();
    try {
      protocol.offerInput(bytes);
    } catch (IOException e) {
      fail(ctx, e);
      return;
    }
    flushOutput(ctx);
    if (!done && server.complete()) {
      done = true;
      cancelTimeout();
      ctx.fireUserEventTriggered(
          new BcTlsHandshake(
              Optional.empty(),
              Optional.empty(),
              server.negotiatedVersion(),
              Optional.of(SuiteNames.name(server.negotiatedSuite())),
              server.identityKnown() ? server.offeredIdentity() : Optional.empty(),
              server.peerChain(),
              -1));
      writePending(ctx);
    }
    int n = protocol.getAvailableInputBytes();
    if (n > 0) {
      byte[] app = new byte[n];
      protocol.readInput(app, 0, n);
      ctx.fireChannelRead(Unpooled.wrappedBuffer(app));
    }
    if (protocol.isClosed() && ctx.channel().isActive()) {
      ctx.close(); // the client sent close_notify; bctls has answered it
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf data)) {
      ctx.write(msg, promise);
      return;
    }
    if (failed || protocol.isClosed()) {
      data.release();
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    if (!done) {
      pending.add(new Pending(data, promise));
      return;
    }
    encrypt(ctx, data, promise);
  }

  private void encrypt(ChannelHandlerContext ctx, ByteBuf data, ChannelPromise promise) {
    try {
      byte[] plain = ByteBufUtil.getBytes(data);
      protocol.writeApplicationData(plain, 0, plain.length);
    } catch (IOException e) {
      promise.tryFailure(e);
      ctx.close();
      return;
    } finally {
      data.release();
    }
    int n = protocol.getAvailableOutputBytes();
    if (n == 0) {
      promise.trySuccess();
      return;
    }
    byte[] out = new byte[n];
    protocol.readOutput(out, 0, n);
    ctx.write(Unpooled.wrappedBuffer(out), promise);
  }

  private void writePending(ChannelHandlerContext ctx) {
    boolean any = !pending.isEmpty();
    while (!pending.isEmpty()) {
      Pending p = pending.poll();
      encrypt(ctx, p.data(), p.promise());
    }
    if (any) {
      ctx.flush();
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (done && !failed && !protocol.isClosed()) {
      try {
        protocol.close(); // close_notify, as SslHandler sends
      } catch (IOException e) {
        // the connection is going away either way
      }
      flushOutput(ctx);
    }
    ctx.close(promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimeout();
    releasePending();
    if (!done && !failed) {
      failed = true;
      ctx.fireUserEventTriggered(outcome(new ClosedChannelException()));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimeout();
    releasePending();
  }

  private void fail(ChannelHandlerContext ctx, Throwable e) {
    if (failed) {
      return;
    }
    if (done) {
      // After the handshake (a record that does not decrypt, an alert): the connection ends, as
      // SslHandler ends it; the MQTT side sees it closed.
      failed = true;
      flushOutput(ctx);
      ctx.close();
      return;
    }
    failed = true;
    done = true;
    cancelTimeout();
    if (e instanceof SslHandshakeTimeoutException) {
      try {
        protocol.close();
      } catch (IOException ignored) {
        // best effort: the alert is a courtesy
      }
    }
    flushOutput(ctx); // the alert bctls queued
    releasePending();
    ctx.fireUserEventTriggered(outcome(e));
  }

  private BcTlsHandshake outcome(Throwable e) {
    Optional<PskProblem> problem = Optional.empty();
    if (server != null && server.offeredIdentity().isPresent()) {
      if (!server.identityKnown()) {
        problem = Optional.of(PskProblem.UNKNOWN_IDENTITY);
      } else if (keyMismatch(e, server)) {
        problem = Optional.of(PskProblem.KEY_MISMATCH);
      }
    }
    return new BcTlsHandshake(
        Optional.of(e),
        problem,
        server == null ? "-" : server.negotiatedVersion(),
        Optional.empty(),
        server == null ? Optional.empty() : server.offeredIdentity(),
        server == null ? List.of() : server.peerChain(),
        server == null ? -1 : server.alertReceived());
  }

  // With a known identity, a record that does not decrypt (TLS 1.2: the client's Finished), a
  // binder that does not verify (TLS 1.3: handshake_failure from BcServer), or the client finding
  // the same about ours, all mean the two keys differ.
  private static boolean keyMismatch(Throwable e, BcServer server) {
    int received = server.alertReceived();
    if (received == AlertDescription.bad_record_mac || received == AlertDescription.decrypt_error) {
      return true;
    }
    if (e instanceof TlsFatalAlert a) {
      short d = a.getAlertDescription();
      return d == AlertDescription.bad_record_mac
          || d == AlertDescription.decrypt_error
          || (d == AlertDescription.handshake_failure
              && "TLSv1.3".equals(server.negotiatedVersion()));
    }
    return false;
  }

  private void flushOutput(ChannelHandlerContext ctx) {
    int n = protocol.getAvailableOutputBytes();
    if (n > 0 && ctx.channel().isActive()) {
      byte[] out = new byte[n];
      protocol.readOutput(out, 0, n);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(out));
    }
  }

  private void releasePending() {
    while (!pending.isEmpty()) {
      Pending p = pending.poll();
      ReferenceCountUtil.release(p.data());
      p.promise().tryFailure(new ClosedChannelException());
    }
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }
}
