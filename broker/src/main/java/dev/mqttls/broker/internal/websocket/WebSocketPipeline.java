package dev.mqttls.broker.internal.websocket;

import dev.mqttls.broker.WebSocketSettings;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The handlers between TLS (or the socket) and the MQTT codec on a {@code protocol websockets}
 * listener: HTTP until the upgrade, then WebSocket frames carrying MQTT bytes.
 */
public final class WebSocketPipeline {
  /**
   * The subprotocols mosquitto accepts: MQTT 3.1.1 and 5 use {@code mqtt}, 3.1 {@code mqttv3.1}.
   */
  static final String SUBPROTOCOLS = "mqtt,mqttv3.1";

  /** An upgrade or file request has no body; more than this is not one of ours. */
  private static final int MAX_REQUEST_BODY = 8192;

  /** Longest request line (method, path, version), as Netty's default. */
  private static final int MAX_INITIAL_LINE = 4096;

  private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private WebSocketPipeline() {}

  /**
   * Adds the HTTP and WebSocket handlers at the end of {@code p}; the MQTT codec goes after them.
   *
   * @param files the listener's {@code http_dir} files, or null without one
   * @param maxPacketSize the broker's {@code max_packet_size}: no frame may be larger
   */
  public static void install(
      ChannelPipeline p, WebSocketSettings settings, HttpFiles files, int maxPacketSize) {
    p.addLast(
        "http", new HttpServerCodec(MAX_INITIAL_LINE, settings.headersSize(), MAX_REQUEST_BODY));
    p.addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY));
    if (files != null) {
      p.addLast("http-chunks", new ChunkedWriteHandler());
    }
    p.addLast("http-request", new HttpRequests(files));
    WebSocketServerProtocolConfig config =
        WebSocketServerProtocolConfig.newBuilder()
            // Any path upgrades, as in mosquitto: clients use /mqtt, /ws or / alike.
            .websocketPath("/")
            .checkStartsWith(true)
            .subprotocols(SUBPROTOCOLS)
            .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
            .dropPongFrames(true)
            .decoderConfig(
                WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(maxPacketSize)
                    .allowExtensions(false)
                    .closeOnProtocolViolation(true)
                    .build())
            .build();
    p.addLast("websocket", new WebSocketServerProtocolHandler(config));
    p.addLast("websocket-frames", new WebSocketFrames());
  }
}
