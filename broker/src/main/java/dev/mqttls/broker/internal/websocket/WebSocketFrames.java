package dev.mqttls.broker.internal.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binary WebSocket frames in, MQTT bytes out to the decoder; MQTT bytes from the encoder out as
 * binary frames. Frame boundaries mean nothing to MQTT (MQTT 5 section 6.0): the decoder
 * accumulates a packet split across frames and reads several packets from one frame. A text frame
 * is refused, as the MQTT specification requires (MQTT 5 section 6.0, "MUST close the Network
 * Connection").
 */
final class WebSocketFrames extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      // The frame's content goes on as the frame did: its reference passes to the decoder.
      ctx.fireChannelRead(((WebSocketFrame) msg).content());
      return;
    }
    if (msg instanceof TextWebSocketFrame) {
      ReferenceCountUtil.release(msg);
      LOG.info(
          "Closing WebSocket connection from {}: text frame; MQTT over WebSockets uses binary"
              + " frames only",
          HttpRequests.address(ctx));
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      // Upgraded: the HTTP-only handlers would only see MQTT bytes pass from now on.
      ChannelPipeline p = ctx.pipeline();
      if (p.get("http-request") != null) {
        p.remove("http-request");
      }
      if (p.get("http-chunks") != null) {
        p.remove("http-chunks");
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b) {
      ctx.write(new BinaryWebSocketFrame(b), promise);
      return;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException
        || cause instanceof WebSocketHandshakeException) {
      // The peer's mistake: one line naming it, no stack trace; the codec has sent its close frame.
      LOG.info(
          "Closing WebSocket connection from {}: {}",
          HttpRequests.address(ctx),
          cause.getMessage());
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
