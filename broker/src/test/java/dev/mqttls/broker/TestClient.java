package dev.mqttls.broker;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A blocking MQTT client for protocol tests: real TCP to the broker, packets encoded and decoded by
 * our codec, and raw bytes when a test needs to break the rules. Received PUBLISH payloads are
 * copied to heap buffers, so tests need not release anything.
 */
final class TestClient implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final MqttVersion version;
  private final EmbeddedChannel decoder;
  private boolean eof;

  private TestClient(InetSocketAddress address, MqttVersion version) throws IOException {
    this(plain(address), version);
  }

  private static Socket plain(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(address, 5000);
    return s;
  }

  /** A TLS connection (handshake done) without any MQTT sent yet. */
  static TestClient openTls(
      InetSocketAddress address, MqttVersion version, javax.net.ssl.SSLContext ctx)
      throws IOException {
    javax.net.ssl.SSLSocket s =
        (javax.net.ssl.SSLSocket)
            ctx.getSocketFactory()
                .createSocket(plain(address), "localhost", address.getPort(), true);
    s.startHandshake();
    return new TestClient(s, version);
  }

  private TestClient(Socket socket, MqttVersion version) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.version = version;
    this.decoder = new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, version));
  }

  /** A TCP connection without any MQTT sent yet. */
  static TestClient open(InetSocketAddress address, MqttVersion version) throws IOException {
    return new TestClient(address, version);
  }

  /** Opens and sends CONNECT; returns the client after checking the CONNACK is a success. */
  static TestClient connect(InetSocketAddress address, MqttVersion version, String clientId)
      throws IOException {
    TestClient c = open(address, version);
    Connack ack = c.connect(new Connect(version, clientId, true, 60));
    if (ack.reasonCode().isError()) {
      throw new IOException("CONNACK " + ack.reasonCode());
    }
    return c;
  }

  Connack connect(Connect connect) throws IOException {
    send(connect);
    MqttPacket p = receive();
    if (!(p instanceof Connack ack)) {
      throw new IOException("expected CONNACK, got " + p);
    }
    return ack;
  }

  /** Connects, then drops the TCP connection without DISCONNECT. */
  void connectAndDrop(Connect c) throws IOException {
    connect(c);
    close();
  }

  void send(MqttPacket p) throws IOException {
    ByteBuf b = MqttEncoder.encode(p, version, UnpooledByteBufAllocator.DEFAULT);
    try {
      sendRaw(ByteBufUtil.getBytes(b));
    } finally {
      b.release();
      ReferenceCountUtil.release(p);
    }
  }

  synchronized void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void publish(String topic, String payload, int qos, int packetId, boolean retain)
      throws IOException {
    send(
        new Publish(
            false,
            Qos.of(qos),
            retain,
            topic,
            qos == 0 ? 0 : packetId,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)));
  }

  Suback subscribe(int packetId, String filter, int qos) throws IOException {
    send(
        new Subscribe(
            packetId,
            List.of(new Subscription(TopicFilter.of(filter), Qos.of(qos))),
            MqttProperties.EMPTY));
    return expect(Suback.class);
  }

  <T extends MqttPacket> T expect(Class<T> type) throws IOException {
    MqttPacket p = receive();
    if (!type.isInstance(p)) {
      throw new IOException("expected " + type.getSimpleName() + ", got " + p);
    }
    return type.cast(p);
  }

  /** The next packet; throws on timeout; null when the broker closed the connection. */
  MqttPacket receive() throws IOException {
    return receive(WAIT);
  }

  MqttPacket receive(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buf = new byte[8192];
    while (true) {
      Object o = decoder.readInbound();
      if (o != null) {
        if (o instanceof Publish p) {
          Publish copy =
              new Publish(
                  p.dup(),
                  p.qos(),
                  p.retainFlag(),
                  p.topic(),
                  p.packetId(),
                  p.properties(),
                  Unpooled.copiedBuffer(p.payload()));
          p.release();
          return copy;
        }
        if (o instanceof MqttPacket mp) {
          return mp;
        }
        throw new IOException("undecodable input from broker: " + o);
      }
      if (eof) {
        return null;
      }
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("nothing received within " + timeout);
      }
      socket.setSoTimeout((int) Math.max(1, left));
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("nothing received within " + timeout);
      } catch (IOException e) {
        n = -1; // reset by peer counts as closed
      }
      if (n < 0) {
        eof = true;
        continue;
      }
      decoder.writeInbound(Unpooled.wrappedBuffer(buf.clone(), 0, n));
    }
  }

  /** Nothing arrives within {@code d} (and the connection stays open). */
  boolean silentFor(Duration d) throws IOException {
    try {
      MqttPacket p = receive(d);
      System.err.println("TestClient: expected silence, got " + p);
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    }
  }

  /** Reads until the broker closes; returns the last packet seen before, or null. */
  MqttPacket awaitClose() throws IOException {
    MqttPacket last = null;
    for (int i = 0; i < 100; i++) {
      MqttPacket p = receive();
      if (p == null) {
        return last;
      }
      last = p;
    }
    throw new IOException("broker kept sending and never closed");
  }

  static String text(Publish p) {
    return p.payload().toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    decoder.finishAndReleaseAll();
  }
}
