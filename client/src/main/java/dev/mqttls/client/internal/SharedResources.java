package dev.mqttls.client.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The event loops and callback pool every client of the process shares, made on first use. Their
 * threads are daemons so that a program which forgets to close a client still exits.
 */
final class SharedResources {
  private SharedResources() {}

  private static final class Holder {
    static final EventLoopGroup LOOPS =
        new NioEventLoopGroup(
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
            new DefaultThreadFactory("mqttls-client", true));
    static final ExecutorService CALLBACKS =
        Executors.newCachedThreadPool(new DefaultThreadFactory("mqttls-client-callback", true));
  }

  static EventLoopGroup loops() {
    return Holder.LOOPS;
  }

  static ExecutorService callbacks() {
    return Holder.CALLBACKS;
  }
}
