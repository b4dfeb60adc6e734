package dev.mqttls.client.internal.ping;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.codec.Pingreq;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keep-alive (MQTT 5 section 3.1.2.10): a PINGREQ when the client has sent nothing for the
 * keep-alive interval, and the connection closed as lost when nothing has come from the broker for
 * one and a half times it. Installed once the CONNACK has fixed the interval; the idle handler sits
 * next to the socket so that every byte counts as traffic.
 */
public final class KeepAlive extends ChannelInboundHandlerAdapter {
  private final String url;
  private final Consumer<MqttClientException> onTimeout;

  private KeepAlive(String url, Consumer<MqttClientException> onTimeout) {
    this.url = url;
    this.onTimeout = onTimeout;
  }

  /**
   * Adds keep-alive to {@code pipeline} before the handler named {@code before}.
   *
   * @param seconds the keep-alive the broker accepted, more than 0
   * @param onTimeout told why before the connection is closed for silence
   */
  public static void install(
      ChannelPipeline pipeline,
      String before,
      int seconds,
      String url,
      Consumer<MqttClientException> onTimeout) {
    pipeline
        .addBefore(
            before,
            "keepalive-idle",
            new IdleStateHandler(seconds * 3L / 2 + 1, seconds, 0, TimeUnit.SECONDS))
        .addBefore(before, "keepalive", new KeepAlive(url, onTimeout));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent idle)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (idle.state() == IdleState.WRITER_IDLE) {
      // from the tail, so that the packet passes the encoder
      ctx.channel().writeAndFlush(Pingreq.INSTANCE);
    } else if (idle.state() == IdleState.READER_IDLE) {
      onTimeout.accept(
          new MqttClientException(
              FailureKind.TIMEOUT,
              "no packet from " + url + " within 1.5 times the keep-alive",
              null));
      ctx.close();
    }
  }
}
