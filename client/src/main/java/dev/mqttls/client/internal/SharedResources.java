package dev.mqttls.client.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The event loops and callback pool every client of the process shares, made on first use. Their
 * threads are daemons so that a program which forgets to close a client still exits.
 */
public final class SharedResources {
  private SharedResources() {}

  private static int loopCount() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  private static final class Holder {
    static final EventLoopGroup LOOPS =
        new NioEventLoopGroup(loopCount(), new DefaultThreadFactory("mqttls-client", true));
    static final ExecutorService CALLBACKS =
        Executors.newCachedThreadPool(new DefaultThreadFactory("mqttls-client-callback", true));
  }

  /** Only Unix domain sockets use epoll: NIO in Netty 4.1 cannot connect to them. */
  private static final class EpollHolder {
    static final EventLoopGroup LOOPS =
        Epoll.isAvailable()
            ? new EpollEventLoopGroup(
                loopCount(), new DefaultThreadFactory("mqttls-client-epoll", true))
            : null;
  }

  /** The NIO loops for TCP connections. */
  public static EventLoopGroup loops() {
    return Holder.LOOPS;
  }

  /** The epoll loops for Unix domain sockets; empty where epoll is not available. */
  public static Optional<EventLoopGroup> epollLoops() {
    return Optional.ofNullable(EpollHolder.LOOPS);
  }

  /** The pool callbacks run on, one client at a time through a {@link SerialExecutor}. */
  public static ExecutorService callbacks() {
    return Holder.CALLBACKS;
  }
}
