package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.bootstrap.BrokerRuntime;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.security.AccessControl;
import dev.mqttls.broker.internal.time.ManualTicker;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker without sockets: its parts assembled as {@link BrokerRuntime} does, with a {@link
 * ManualTicker}, and each connection an {@link EmbeddedChannel} with the real decoder, encoder and
 * {@link MqttConnection}. Bytes in, bytes out; time moves only by {@link #advance}.
 */
final class Harness implements AutoCloseable {
  final ManualTicker ticker = new ManualTicker();
  final BrokerContext broker;
  private final DefaultEventLoopGroup unused = new DefaultEventLoopGroup(1);
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  Harness() {
    this(BrokerConfig.builder().build());
  }

  Harness(BrokerConfig config) {
    broker =
        BrokerRuntime.assemble(
            config,
            AccessControl.NONE,
            Journal.NONE,
            ticker,
            unused,
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
  }

  /** A new client connection, active. */
  EmbeddedChannel connect() {
    ConnectSniffer sniffer = new ConnectSniffer();
    EmbeddedChannel ch =
        new EmbeddedChannel(
            sniffer,
            MqttDecoder.forServer(DecoderLimits.DEFAULT),
            new MqttEncoder(),
            new MqttConnection(broker, null, sniffer));
    channels.add(ch);
    return ch;
  }

  /** Writes {@code bytes} as the client, then runs what the broker queued on the loop. */
  static void send(EmbeddedChannel ch, int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    ch.writeInbound(Unpooled.wrappedBuffer(b));
    ch.runPendingTasks();
  }

  /** The next packet the broker sent on {@code ch}, as bytes; null when none. */
  static int[] received(EmbeddedChannel ch) {
    ch.runPendingTasks();
    ByteBuf b = ch.readOutbound();
    if (b == null) {
      return null;
    }
    try {
      byte[] bytes = ByteBufUtil.getBytes(b);
      int[] out = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        out[i] = bytes[i] & 0xFF;
      }
      return out;
    } finally {
      b.release();
    }
  }

  /** Builds an int[] from bytes and ASCII strings, for packets spelled out in a test. */
  static int[] bytes(Object... parts) {
    List<Integer> out = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof Integer i) {
        out.add(i);
      } else {
        for (char c : p.toString().toCharArray()) {
          out.add((int) c);
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  void advance(long amount, TimeUnit unit) {
    ticker.advance(amount, unit);
    for (EmbeddedChannel ch : new HashSet<>(channels)) {
      ch.runPendingTasks();
    }
  }

  @Override
  public void close() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
    for (var s : broker.sessions().all()) {
      s.dispose();
    }
    broker.retained().clear();
    unused.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
