package dev.mqttls.tls;

import dev.mqttls.tls.bctls.BcTlsHandshake;
import dev.mqttls.tls.bctls.PskProblem;
import dev.mqttls.tls.internal.ClientHello;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * What {@link HandshakeObserver} is for the other engines, for the bctls engine: turns its {@link
 * BcTlsHandshake} into {@link TlsSessionEstablished} (with the verified certificate identity or the
 * PSK identity) or into the one log line with a named cause. Confined to the event loop.
 */
final class BcTlsObserver extends ChannelInboundHandlerAdapter {
  private final ServerTls tls;
  private final ServerTlsGeneration gen;
  private final ClientHello hello;
  private boolean failed;

  BcTlsObserver(ServerTls tls, ServerTlsGeneration gen, ClientHello hello) {
    this.tls = tls;
    this.gen = gen;
    this.hello = hello;
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
    if (!(evt instanceof BcTlsHandshake h)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (h.success()) {
      onSuccess(ctx, h);
    } else {
      failed = true;
      Verdict v = classify(h);
      HandshakeLog.fail(ctx, tls.listenerName(), v.cause, v.detail, hello, TlsEngine.BCTLS, false);
    }
  }

  private void onSuccess(ChannelHandlerContext ctx, BcTlsHandshake h) {
    Optional<DeviceIdentity> identity = Optional.empty();
    if (gen.verifier != null && !h.peerChain().isEmpty()) {
      try {
        // verified in the handshake already; this builds the identity from the current set
        identity =
            Optional.of(
                tls.generation().verifier.verify(h.peerChain().toArray(new X509Certificate[0])));
      } catch (ClientCertificateRejected r) {
        failed = true;
        HandshakeLog.fail(
            ctx,
            tls.listenerName(),
            r.failureCause(),
            r.getMessage(),
            hello,
            TlsEngine.BCTLS,
            false);
        return;
      }
    }
    TlsSessionEstablished ev =
        new TlsSessionEstablished(
            tls.listenerName(),
            h.protocol(),
            h.cipherSuite().orElse("-"),
            identity,
            hello.serverName(),
            Optional.empty(),
            TlsEngine.BCTLS,
            false,
            h.pskIdentity());
    if (ServerTls.LOG.isDebugEnabled()) {
      ServerTls.LOG.debug(
          "listener {}: {} TLS established: {} {}{}{}, engine bctls",
          tls.listenerName(),
          HandshakeLog.address(ctx.channel().remoteAddress()),
          ev.protocol(),
          ev.cipherSuite(),
          identity.map(i -> ", identity " + i).orElse(""),
          h.pskIdentity().map(i -> ", PSK identity '" + printable(i) + "'").orElse(""));
    }
    ctx.pipeline().remove(this);
    ctx.fireUserEventTriggered(ev);
  }

  private record Verdict(HandshakeFailureCause cause, String detail) {}

  private Verdict classify(BcTlsHandshake h) {
    Throwable e = h.failure().get();
    ClientCertificateRejected rejected = find(e, ClientCertificateRejected.class);
    if (rejected != null) {
      return new Verdict(rejected.failureCause(), rejected.getMessage());
    }
    String who = h.pskIdentity().map(i -> "PSK identity '" + printable(i) + "'").orElse("");
    if (h.pskProblem().isPresent()) {
      if (h.pskProblem().get() == PskProblem.UNKNOWN_IDENTITY) {
        return new Verdict(
            HandshakeFailureCause.PSK_UNKNOWN_IDENTITY,
            who
                + " is not in psk_file "
                + tls.settings().pskFile().map(String::valueOf).orElse(""));
      }
      return new Verdict(
          HandshakeFailureCause.PSK_KEY_MISMATCH,
          who + ": the client's key is not the one in psk_file (wrong key)");
    }
    if (find(e, SslHandshakeTimeoutException.class) != null) {
      return new Verdict(
          HandshakeFailureCause.HANDSHAKE_TIMEOUT,
          "did not complete the handshake within "
              + tls.settings().handshakeTimeout().toMillis()
              + " ms (tls_handshake_timeout)");
    }
    if (h.alertReceived() >= 0) {
      return new Verdict(
          HandshakeFailureCause.PEER_ALERT,
          "the client aborted the handshake with alert "
              + AlertDescription.getText((short) h.alertReceived()));
    }
    if (e instanceof ClosedChannelException) {
      return new Verdict(
          HandshakeFailureCause.PEER_CLOSED,
          "closed the connection during the handshake" + (who.isEmpty() ? "" : " (" + who + ")"));
    }
    if (e instanceof TlsFatalAlert a) {
      short d = a.getAlertDescription();
      if (d == AlertDescription.protocol_version) {
        return new Verdict(
            HandshakeFailureCause.PROTOCOL_VERSION_TOO_OLD,
            "offered " + hello.versionsShort() + "; the bctls engine serves TLS 1.2 and up");
      }
      if (d == AlertDescription.handshake_failure && h.cipherSuite().isEmpty() && who.isEmpty()) {
        return new Verdict(
            HandshakeFailureCause.NO_SHARED_CIPHER,
            "no cipher suite in common with the bctls engine"
                + (tls.settings().pskHint().isPresent()
                    ? " (PSK: TLS 1.2 PSK and ECDHE_PSK suites, TLS 1.3 external PSK)"
                    : " (certificates: ECDHE with AES-CCM, CCM-8, GCM, ChaCha20 over TLS 1.2)"));
      }
      return new Verdict(
          HandshakeFailureCause.UNKNOWN,
          "the bctls engine refused the handshake with alert " + AlertDescription.getText(d));
    }
    return new Verdict(
        HandshakeFailureCause.UNKNOWN, "the bctls engine failed: " + e.getClass().getSimpleName());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failed) {
      return; // logged in its one line
    }
    ctx.fireExceptionCaught(cause);
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** An identity as a log shows it: printable ASCII, the rest escaped, at most 128 characters. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 128; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
        b.append(c);
      } else {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return b.toString();
  }
}
