package dev.mqttls.admin.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request to the admin listener, with who sent it. Confined to the connection's event loop
 * while the handler runs.
 */
public final class AdminRequest {
  private final Channel channel;
  private final FullHttpRequest request;
  private final QueryStringDecoder query;
  private final Optional<String> user;
  private boolean answered;

  AdminRequest(Channel channel, FullHttpRequest request, Optional<String> user) {
    this.channel = channel;
    this.request = request;
    this.query = new QueryStringDecoder(request.uri());
    this.user = user;
  }

  /** The connection; long-lived answers (SSE, WebSocket upgrade) write to it directly. */
  public Channel channel() {
    return channel;
  }

  /** The request as Netty decoded it (released after the handler returns). */
  public FullHttpRequest request() {
    return request;
  }

  public HttpMethod method() {
    return request.method();
  }

  /** The decoded path, without the query string. */
  public String path() {
    return query.path();
  }

  /** The decoded query parameters. */
  public Map<String, List<String>> parameters() {
    return query.parameters();
  }

  /** The first value of query parameter {@code name}. */
  public Optional<String> parameter(String name) {
    List<String> v = query.parameters().get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /**
   * The user the request authenticated as with basic authentication, empty when the listener has no
   * {@code http_password_file} (or the route is open).
   */
  public Optional<String> user() {
    return user;
  }

  /** Whether a handler has answered (or taken the channel over with {@link #markAnswered()}). */
  boolean answered() {
    return answered;
  }

  /** Tells the server that the handler writes its own answer to {@link #channel()}. */
  public void markAnswered() {
    answered = true;
  }

  /** Answers with {@code status} and a UTF-8 text body of {@code contentType}. */
  public void respond(HttpResponseStatus status, String contentType, String body) {
    respond(status, contentType, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  /** Answers with {@code status} and {@code body} (released by the server once written). */
  public void respond(HttpResponseStatus status, String contentType, ByteBuf body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    r.headers().set("X-Content-Type-Options", "nosniff");
    send(r);
  }

  /** Sends a prepared response (content length and keep-alive are set here). */
  public void send(FullHttpResponse r) {
    answered = true;
    HttpUtil.setContentLength(r, r.content().readableBytes());
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (request.method().equals(HttpMethod.HEAD)) {
      r.content().clear();
    }
    if (keepAlive) {
      HttpUtil.setKeepAlive(r, true);
      channel.writeAndFlush(r);
    } else {
      channel.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
