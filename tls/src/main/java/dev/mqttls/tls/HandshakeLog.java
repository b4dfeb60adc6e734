package dev.mqttls.tls;

import dev.mqttls.tls.internal.ClientHello;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Writes the one line per failed handshake and tells the pipeline about it. */
final class HandshakeLog {
  private HandshakeLog() {}

  static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress) {
      InetSocketAddress i = (InetSocketAddress) a;
      String host = i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
      if (host.indexOf(':') >= 0) {
        host = "[" + host + "]";
      }
      return host + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  /** Logs, fires {@link TlsHandshakeFailed}, and closes the connection. */
  static void fail(
      ChannelHandlerContext ctx,
      String listener,
      HandshakeFailureCause cause,
      String detail,
      ClientHello hello,
      TlsEngine engine,
      boolean quiet) {
    String remote = address(ctx.channel().remoteAddress());
    StringBuilder ctxInfo = new StringBuilder();
    if (hello != null) {
      ctxInfo.append(" [");
      ctxInfo.append("sni=").append(hello.serverName().orElse("-"));
      ctxInfo.append(", offered ").append(hello.versionsShort());
      ctxInfo.append(", ").append(hello.cipherSuites().size()).append(" suites");
      if (!hello.alpn().isEmpty()) {
        ctxInfo.append(", alpn ").append(String.join(",", hello.alpn()));
      }
      if (engine != null) {
        ctxInfo.append(", engine ").append(engine.directiveName());
      }
      ctxInfo.append(']');
    }
    if (quiet) {
      ServerTls.LOG.debug(
          "listener {}: {} handshake failed: {} ({}){}", listener, remote, detail, cause, ctxInfo);
    } else {
      ServerTls.LOG.info(
          "listener {}: {} handshake failed: {} ({}){}", listener, remote, detail, cause, ctxInfo);
    }
    ctx.fireUserEventTriggered(new TlsHandshakeFailed(listener, remote, cause, detail));
    ctx.close();
  }
}
