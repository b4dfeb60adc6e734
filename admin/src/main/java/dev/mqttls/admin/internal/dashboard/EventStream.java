package dev.mqttls.admin.internal.dashboard;

import dev.mqttls.admin.internal.http.AdminRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Events answer (text/event-stream, chunked) on an admin connection. Events may be
 * sent from any thread; an event offered while the connection cannot take more (a slow browser) is
 * dropped rather than buffered, and {@link #send} says so.
 */
final class EventStream {
  private final Channel channel;

  private EventStream(Channel channel) {
    this.channel = channel;
  }

  /** Answers {@code request} with the stream's headers; events follow with {@link #send}. */
  static EventStream open(AdminRequest request) {
    request.markAnswered();
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    r.headers().set("X-Content-Type-Options", "nosniff");
    HttpUtil.setTransferEncodingChunked(r, true);
    Channel ch = request.channel();
    ch.writeAndFlush(r);
    EventStream s = new EventStream(ch);
    // Tells the browser how long to wait before reconnecting when the stream breaks.
    s.write("retry: 3000\n\n");
    return s;
  }

  /** The connection, to learn when the browser goes away ({@code closeFuture()}). */
  Channel channel() {
    return channel;
  }

  boolean isOpen() {
    return channel.isActive();
  }

  /**
   * Sends one event named {@code event} with {@code json} (one line) as its data; false when it was
   * dropped because the connection is closed or not writable.
   */
  boolean send(String event, String json) {
    if (!channel.isActive() || !channel.isWritable()) {
      return false;
    }
    write("event: " + event + "\ndata: " + json + "\n\n");
    return true;
  }

  /** A comment line, so that proxies and the idle timeout see traffic on a quiet stream. */
  void heartbeat() {
    if (channel.isActive() && channel.isWritable()) {
      write(": keep-alive\n\n");
    }
  }

  private void write(String text) {
    channel.writeAndFlush(
        new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)),
        channel.voidPromise());
  }

  void close() {
    channel.close();
  }
}
