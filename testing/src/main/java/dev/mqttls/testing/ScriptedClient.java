package dev.mqttls.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;

/**
 * A raw-socket MQTT peer for hostile-input tests: it sends exactly the bytes a test gives it and
 * records every byte the server sends back and whether the server closed the connection.
 *
 * <p>A daemon thread reads the socket; the {@code await*} methods wait on what it recorded, each
 * bounded by its timeout. All methods may be called from the test thread.
 *
 * <pre>{@code
 * try (ScriptedClient c = ScriptedClient.connect(port)) {
 *   c.send(MqttBytes.connectV5("c1", 10, true));
 *   assertThat(c.awaitPacket(Duration.ofSeconds(5)).reasonCode()).isZero();
 *   c.send(Hex.decode("30 ff ff ff ff 7f"));
 *   RawPacket disconnect = c.awaitPacket(Duration.ofSeconds(5));
 *   assertThat(c.awaitClose(Duration.ofSeconds(5))).isTrue();
 * }
 * }</pre>
 */
public final class ScriptedClient implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final Socket socket;
  private final OutputStream out;
  private final Thread reader;
  private final Object lock = new Object();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closedByServer;
  private IOException readFailure;
  private int packetCursor;

  private ScriptedClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    this.reader = new Thread(() -> readLoop(in), "scripted-client-" + socket.getLocalPort());
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Connects to 127.0.0.1:{@code port}. */
  public static ScriptedClient connect(int port) {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(Ports.loopback(), port), (int) CONNECT_TIMEOUT.toMillis());
      return new ScriptedClient(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot connect to 127.0.0.1:" + port, e);
    }
  }

  private void readLoop(InputStream in) {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (lock) {
          received.write(buffer, 0, n);
          lock.notifyAll();
        }
      }
      synchronized (lock) {
        closedByServer = true;
        lock.notifyAll();
      }
    } catch (IOException e) {
      synchronized (lock) {
        // A reset by the server is a close too; a failure after our own close() is not.
        if (!socket.isClosed()) {
          closedByServer = true;
          readFailure = e;
        }
        lock.notifyAll();
      }
    }
  }

  /** Sends {@code bytes} and flushes; fails if the connection is already broken. */
  public ScriptedClient send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("send failed (server closed the connection?)", e);
    }
  }

  /** Sends hex text, see {@link Hex#decode}. */
  public ScriptedClient sendHex(String hex) {
    return send(Hex.decode(hex));
  }

  /**
   * Sends {@code bytes}, reporting a broken connection as {@code false} rather than throwing: for
   * input the server is expected to reject before it has all been written.
   */
  public boolean trySend(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until at least {@code count} bytes have arrived and returns everything received so far.
   *
   * @throws AssertionError if they do not arrive within {@code timeout}
   */
  public byte[] awaitBytes(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (received.size() < count && !closedByServer) {
        if (!waitUntil(deadline)) {
          break;
        }
      }
      if (received.size() < count) {
        throw new AssertionError(
            "expected " + count + " bytes within " + timeout + ", got " + describeLocked());
      }
      return received.toByteArray();
    }
  }

  /**
   * Waits for the next whole MQTT packet after those already returned by this method.
   *
   * @throws AssertionError if none arrives within {@code timeout} or the server closes first
   */
  public RawPacket awaitPacket(Duration timeout) {
    RawPacket packet = pollPacket(timeout);
    if (packet == null) {
      synchronized (lock) {
        throw new AssertionError(
            "expected a packet within " + timeout + ", got " + describeLocked());
      }
    }
    return packet;
  }

  /**
   * Waits for the next whole MQTT packet after those already returned, or returns {@code null} if
   * none arrives within {@code timeout} or the server closes first.
   */
  public RawPacket pollPacket(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        RawPacket packet = parseAt(received.toByteArray(), packetCursor);
        if (packet != null) {
          packetCursor += packet.toBytes().length;
          return packet;
        }
        if (closedByServer || !waitUntil(deadline)) {
          return null;
        }
      }
    }
  }

  /**
   * Waits for the server to close the connection (orderly or by reset).
   *
   * @return whether it closed within {@code timeout}
   */
  public boolean awaitClose(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!closedByServer) {
        if (!waitUntil(deadline)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Whether the server has closed the connection so far. */
  public boolean isClosedByServer() {
    synchronized (lock) {
      return closedByServer;
    }
  }

  /** Every byte received so far. */
  public byte[] received() {
    synchronized (lock) {
      return received.toByteArray();
    }
  }

  /** The local port of this client's socket, as the server sees it in its log. */
  public int localPort() {
    return socket.getLocalPort();
  }

  /** What was received and whether the server closed, for assertion messages. */
  public String describe() {
    synchronized (lock) {
      return describeLocked();
    }
  }

  private String describeLocked() {
    byte[] bytes = received.toByteArray();
    String shown = bytes.length <= 64 ? Hex.encode(bytes) : Hex.encode(bytes, 0, 64) + " ...";
    return bytes.length
        + " bytes ["
        + shown
        + "], "
        + (closedByServer ? "closed by server" : "still open")
        + (readFailure != null ? " (" + readFailure + ")" : "");
  }

  private boolean waitUntil(long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return false;
    }
    try {
      long millis = Math.max(1, remaining / 1_000_000);
      lock.wait(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Parses one whole packet at {@code offset}, or returns null if it has not fully arrived. */
  static RawPacket parseAt(byte[] bytes, int offset) {
    if (bytes.length - offset < 2) {
      return null;
    }
    int first = bytes[offset] & 0xFF;
    int length = 0;
    int multiplier = 1;
    int index = offset + 1;
    for (int i = 0; ; i++) {
      if (index >= bytes.length) {
        return null;
      }
      if (i == 4) {
        throw new AssertionError("server sent a remaining length over 4 bytes at offset " + offset);
      }
      int digit = bytes[index++] & 0xFF;
      length += (digit & 0x7F) * multiplier;
      multiplier *= 128;
      if ((digit & 0x80) == 0) {
        break;
      }
    }
    if (bytes.length - index < length) {
      return null;
    }
    return new RawPacket(
        first >>> 4, first & 0x0F, Arrays.copyOfRange(bytes, index, index + length));
  }

  /** Closes our side of the connection and stops the reader thread. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing a socket that the server already reset is not a test failure.
    }
    try {
      reader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
