package dev.mqttls.admin.internal.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to the route with the longest matching prefix, after basic authentication when
 * the listener has a password file. Stateless; shared by every connection.
 */
@Sharable
final class RouteDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.admin");

  private final List<HttpRoute> routes;
  private final BasicAuth auth;

  /**
   * @param auth null when the listener has no password file
   */
  RouteDispatcher(List<HttpRoute> routes, BasicAuth auth) {
    this.routes =
        routes.stream()
            .sorted(Comparator.comparingInt((HttpRoute r) -> r.prefix().length()).reversed())
            .toList();
    this.auth = auth;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      plain(ctx, req, HttpResponseStatus.BAD_REQUEST, "malformed request\n");
      return;
    }
    AdminRequest probe = new AdminRequest(ctx.channel(), req, Optional.empty());
    String path = probe.path();
    HttpRoute route = routes.stream().filter(r -> r.matches(path)).findFirst().orElse(null);
    if (route == null) {
      plain(ctx, req, HttpResponseStatus.NOT_FOUND, "not found\n");
      return;
    }
    Optional<String> user = Optional.empty();
    if (auth != null && !route.open()) {
      user = auth.verify(req.headers().get(HttpHeaderNames.AUTHORIZATION));
      if (user.isEmpty()) {
        // Nothing about which part was wrong: the same answer for every failure.
        FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, "authentication required\n");
        r.headers()
            .set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"mqttls\", charset=\"UTF-8\"");
        probe.send(r);
        return;
      }
    }
    AdminRequest request = new AdminRequest(ctx.channel(), req, user);
    try {
      route.handler().handle(request);
    } catch (Exception e) {
      // Our bug, not the client's: the stack trace belongs in the log.
      LOG.error("admin: {} {} failed", req.method(), path, e);
      if (!request.answered()) {
        plain(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
      }
      return;
    }
    if (!request.answered()) {
      LOG.error("admin: {} {}: the handler gave no answer", req.method(), path);
      plain(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
    }
  }

  private static void plain(
      ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
    new AdminRequest(ctx.channel(), req, Optional.empty()).send(response(status, body));
  }

  private static FullHttpResponse response(HttpResponseStatus status, String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            io.netty.buffer.Unpooled.copiedBuffer(body, java.nio.charset.StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return r;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A peer's mistake (plain HTTP to the HTTPS port, a reset, a bad handshake): one line, no
    // trace.
    if (cause instanceof DecoderException
        || cause instanceof NotSslRecordException
        || cause instanceof IOException) {
      LOG.debug("admin: {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      LOG.warn("admin: {} closed on an unexpected error", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
