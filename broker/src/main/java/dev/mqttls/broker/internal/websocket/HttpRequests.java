package dev.mqttls.broker.internal.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts the HTTP requests of a WebSocket listener before Netty's handshake handler sees them: an
 * upgrade to WebSocket with an MQTT subprotocol (or none) goes on to the handshake; a plain GET is
 * answered from {@code http_dir}, or, without one, the connection is closed unanswered as mosquitto
 * closes it; anything else gets a status and is closed. One connection serves one file.
 */
final class HttpRequests extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private final HttpFiles files;

  HttpRequests(HttpFiles files) {
    this.files = files;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (req.decoderResult().isFailure()) {
        Throwable cause = req.decoderResult().cause();
        if (cause instanceof TooLongFrameException) {
          refuse(
              ctx,
              HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "HTTP headers larger than websockets_headers_size");
        } else {
          LOG.info(
              "Closing connection from {}: not an HTTP request (this listener speaks MQTT over"
                  + " WebSockets)",
              address(ctx));
          ctx.close();
        }
        return;
      }
      if (isUpgrade(req)) {
        String refused = subprotocolProblem(req);
        if (refused != null) {
          refuse(ctx, HttpResponseStatus.BAD_REQUEST, refused);
          return;
        }
        // The handshake handler takes it from here.
        ctx.fireChannelRead(req.retain());
        return;
      }
      serve(ctx, req);
    } finally {
      req.release();
    }
  }

  private static boolean isUpgrade(FullHttpRequest req) {
    String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
  }

  /** Null when the client offers an MQTT subprotocol or none, else why it is refused. */
  private static String subprotocolProblem(FullHttpRequest req) {
    List<String> offered = req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    if (offered.isEmpty()) {
      return null;
    }
    for (String line : offered) {
      for (String p : line.split(",")) {
        String name = p.strip();
        if (name.equals("mqtt") || name.equals("mqttv3.1")) {
          return null;
        }
      }
    }
    return "WebSocket subprotocol "
        + String.join(",", offered)
        + " offered; this listener speaks mqtt and mqttv3.1";
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (files == null) {
      // mosquitto without http_dir: "no normal http connections will be possible".
      LOG.info(
          "Closing connection from {}: plain HTTP request and no http_dir on this listener",
          address(ctx));
      ctx.close();
      return;
    }
    if (!req.method().equals(HttpMethod.GET)) {
      refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "HTTP " + req.method() + " (GET only)");
      return;
    }
    String path = new QueryStringDecoder(req.uri()).path();
    HttpFiles.Lookup found = files.lookup(path);
    if (found.file() == null) {
      refuse(ctx, found.status(), "HTTP GET of a path that http_dir does not serve");
      return;
    }
    FileChannel channel;
    long size;
    try {
      channel = FileChannel.open(found.file(), StandardOpenOption.READ);
      size = channel.size();
    } catch (IOException e) {
      refuse(ctx, HttpResponseStatus.NOT_FOUND, "http_dir file could not be read");
      return;
    }
    LOG.debug("Serving http_dir file {} to {}", found.file(), address(ctx));
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpUtil.setContentLength(head, size);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpFiles.contentType(found.file()));
    head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    head.headers().set(HttpHeaderNames.SERVER, "mqttls");
    ctx.write(head);
    ChannelFuture done;
    try {
      done = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(channel)));
    } catch (IOException e) {
      closeQuietly(channel);
      ctx.close();
      return;
    }
    done.addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Answers {@code status} with no body and closes; the log names the client and why, never the
   * path on disk (the client sees the status only).
   */
  private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
    LOG.info("Refusing HTTP request from {}: {} ({})", address(ctx), why, status.code());
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    HttpUtil.setContentLength(r, 0);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing was sent from it
    }
  }

  /** The client's address as the log writes it. */
  static String address(ChannelHandlerContext ctx) {
    SocketAddress a = ctx.channel().remoteAddress();
    if (a instanceof InetSocketAddress i) {
      return i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
    }
    return String.valueOf(a);
  }
}
