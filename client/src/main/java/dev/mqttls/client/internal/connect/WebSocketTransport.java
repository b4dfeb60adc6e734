package dev.mqttls.client.internal.connect;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;

/**
 * MQTT over WebSockets for the client: the HTTP upgrade (subprotocol {@code mqtt}) between TLS (or
 * the socket) and the MQTT codec, then binary frames carrying MQTT bytes. The connection handler
 * sends CONNECT once the upgrade is complete ({@code
 * ClientHandshakeStateEvent.HANDSHAKE_COMPLETE}).
 */
final class WebSocketTransport {
  /** MQTT 3.1.1 and 5 (MQTT 5 section 6.0). */
  static final String SUBPROTOCOL = "mqtt";

  private static final int MAX_RESPONSE_HEADERS = 8192;

  private WebSocketTransport() {}

  static void install(ChannelPipeline p, URI uri, long handshakeTimeoutMillis) {
    p.addLast("http", new HttpClientCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(MAX_RESPONSE_HEADERS));
    WebSocketClientProtocolConfig config =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .subprotocol(SUBPROTOCOL)
            .version(WebSocketVersion.V13)
            .allowExtensions(false)
            // An MQTT packet may be up to 256 MB; the MQTT decoder bounds what it accepts.
            .maxFramePayloadLength(Integer.MAX_VALUE)
            .handshakeTimeoutMillis(handshakeTimeoutMillis)
            .dropPongFrames(true)
            .build();
    p.addLast("websocket", new WebSocketClientProtocolHandler(config));
    p.addLast("websocket-frames", new Frames());
  }

  /** Binary frames ↔ MQTT bytes; frame boundaries mean nothing to the MQTT decoder. */
  static final class Frames extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
        ctx.fireChannelRead(((WebSocketFrame) msg).content());
        return;
      }
      if (msg instanceof TextWebSocketFrame) {
        // Not MQTT (MQTT 5 section 6.0): the connection ends.
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ctx.write(msg instanceof ByteBuf b ? new BinaryWebSocketFrame(b) : msg, promise);
    }
  }
}
