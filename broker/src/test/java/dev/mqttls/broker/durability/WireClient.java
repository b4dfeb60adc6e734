package dev.mqttls.broker.durability;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw MQTT client over TCP for the durability tests: packets encoded and decoded by our codec, a
 * reader thread that queues what arrives (PUBLISH payloads copied to the heap), and {@link #CLOSED}
 * queued once the broker closes the connection or dies.
 */
final class WireClient implements AutoCloseable {
  /** Queued when the connection ends. */
  static final MqttPacket CLOSED = new dev.mqttls.codec.Pingreq();

  private final Socket socket;
  private final OutputStream out;
  private final MqttVersion version;
  private final LinkedBlockingQueue<MqttPacket> inbox = new LinkedBlockingQueue<>();
  private final Thread reader;

  private WireClient(int port, MqttVersion version) throws IOException {
    this.version = version;
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    reader = new Thread(() -> read(in), "wire-" + port);
    reader.setDaemon(true);
    reader.start();
  }

  /** Connects with a session that outlives the connection (3.1.1: clean session 0). */
  static WireClient connect(int port, MqttVersion version, String clientId, boolean persistent)
      throws IOException {
    WireClient c = new WireClient(port, version);
    MqttPacket p = c.sendConnect(clientId, persistent);
    if (!(p instanceof Connack ack) || ack.reasonCode().isError()) {
      c.close();
      throw new IOException("CONNACK expected, got " + p);
    }
    return c;
  }

  /** Sends CONNECT and returns the broker's answer: a CONNACK, or null/{@link #CLOSED}. */
  private MqttPacket sendConnect(String clientId, boolean persistent) throws IOException {
    MqttProperties props =
        version == MqttVersion.V5 && persistent
            ? MqttProperties.builder().sessionExpiryInterval(3600L).build()
            : MqttProperties.EMPTY;
    send(new Connect(version, clientId, !persistent, 60, null, null, null, props));
    return poll(Duration.ofSeconds(10));
  }

  /** The CONNACK (or {@link #CLOSED}) a CONNECT gets; the connection is closed after. */
  static MqttPacket connackOf(int port, MqttVersion version, String clientId, boolean persistent)
      throws IOException {
    try (WireClient c = new WireClient(port, version)) {
      return c.sendConnect(clientId, persistent);
    }
  }

  private void read(InputStream in) {
    EmbeddedChannel decoder =
        new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, version));
    byte[] buf = new byte[16384];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        decoder.writeInbound(Unpooled.wrappedBuffer(buf.clone(), 0, n));
        Object o;
        while ((o = decoder.readInbound()) != null) {
          if (o instanceof Publish p) {
            inbox.add(
                new Publish(
                    p.dup(),
                    p.qos(),
                    p.retainFlag(),
                    p.topic(),
                    p.packetId(),
                    p.properties(),
                    Unpooled.copiedBuffer(p.payload())));
            p.release();
          } else if (o instanceof MqttPacket mp) {
            inbox.add(mp);
          } else {
            ReferenceCountUtil.release(o);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // reset by the broker, or closed by us: the end either way
    } finally {
      decoder.finishAndReleaseAll();
      inbox.add(CLOSED);
    }
  }

  synchronized void send(MqttPacket p) throws IOException {
    ByteBuf b = MqttEncoder.encode(p, version, UnpooledByteBufAllocator.DEFAULT);
    try {
      out.write(ByteBufUtil.getBytes(b));
      out.flush();
    } finally {
      b.release();
      ReferenceCountUtil.release(p);
    }
  }

  void subscribe(String filter, int qos) throws IOException {
    send(
        new Subscribe(
            1,
            List.of(new Subscription(TopicFilter.of(filter), Qos.of(qos))),
            MqttProperties.EMPTY));
    MqttPacket p = poll(Duration.ofSeconds(10));
    if (!(p instanceof dev.mqttls.codec.Suback)) {
      throw new IOException("SUBACK expected, got " + p);
    }
  }

  void publish(String topic, String payload, int qos, int packetId) throws IOException {
    publish(topic, payload, qos, false, packetId);
  }

  void publish(String topic, String payload, int qos, boolean retain, int packetId)
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

  /** The next packet, {@link #CLOSED} at the end, or null after {@code timeout}. */
  MqttPacket poll(Duration timeout) {
    try {
      MqttPacket p = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (p == CLOSED) {
        inbox.add(CLOSED);
      }
      return p;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CLOSED;
    }
  }

  static String text(Publish p) {
    return p.payload().toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing
    }
    try {
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
