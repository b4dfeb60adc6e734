package dev.mqttls.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback ports for tests. Everything here binds and connects to 127.0.0.1 only. */
public final class Ports {
  private Ports() {}

  /** The loopback address every test peer listens on. */
  public static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }

  /**
   * A port that was free on 127.0.0.1 a moment ago. Another process may take it before the caller
   * binds it, so callers that start an external peer on it retry with a new port when it fails.
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(loopback(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * A free port below Linux's ephemeral range (32768 and up), for a process that is stopped and
   * started again on the same port: a port from {@link #freePort} is in that range, where the
   * kernel may hand it to some outgoing connection while the process is down.
   */
  public static int freeStablePort() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = r.nextInt(20_000, 32_000);
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(loopback(), port));
        return port;
      } catch (IOException e) {
        // taken: try another
      }
    }
    return freePort();
  }

  /** Whether something accepts TCP connections on 127.0.0.1:{@code port} right now. */
  public static boolean accepts(int port, Duration connectTimeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(loopback(), port), (int) connectTimeout.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
