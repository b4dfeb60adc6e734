package dev.mqttls.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.List;

/**
 * A quick, JMH-free measurement of decoding and encoding a small PUBLISH (topic of 16 bytes, 32
 * byte payload, QoS 1, MQTT 5, no properties). Not a test: run it by hand and read the figures.
 *
 * <pre>
 * mvn -q -pl codec test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp codec/target/test-classes:codec/target/classes:$(cat /tmp/cp.txt) \
 *     dev.mqttls.codec.CodecMicroBenchmark
 * </pre>
 */
public final class CodecMicroBenchmark {
  private static final int BATCH = 1000;
  private static volatile long sink;

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private CodecMicroBenchmark() {}

  private static void reportAllocations(
      ByteBuf batch, int packetLength, Publish publish, ByteBufAllocator alloc) {
    com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) THREADS;
    long id = Thread.currentThread().getId();
    dev.mqttls.codec.internal.PacketDecoder body =
        new dev.mqttls.codec.internal.PacketDecoder(true);
    long before = t.getThreadAllocatedBytes(id);
    try {
      for (int off = 0; off < packetLength * BATCH; off += packetLength) {
        Publish p =
            (Publish)
                body.decode(
                    batch, PacketType.PUBLISH, 2, off + 2, packetLength - 2, MqttVersion.V5);
        sink += p.packetId();
        p.release();
      }
    } catch (dev.mqttls.codec.internal.DecodeException e) {
      throw new AssertionError(e);
    }
    long decoded = t.getThreadAllocatedBytes(id) - before;
    before = t.getThreadAllocatedBytes(id);
    for (int i = 0; i < BATCH; i++) {
      ByteBuf out = MqttEncoder.encode(publish, MqttVersion.V5, alloc);
      sink += out.readableBytes();
      out.release();
    }
    long encoded = t.getThreadAllocatedBytes(id) - before;
    System.out.printf(
        "heap allocated per PUBLISH: decode %d bytes, encode %d bytes%n",
        decoded / BATCH, encoded / BATCH);
  }

  /**
   * This thread's CPU time: on a machine shared with other builds, wall time measures the queue for
   * the CPU more than the code.
   */
  private static long cpuNow() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /**
   * Runs each measurement a few rounds and prints CPU nanoseconds per operation, on a Netty thread
   * so that the pooled allocator's thread cache is used as on an event loop.
   */
  public static void main(String[] args) throws InterruptedException {
    Thread t = new FastThreadLocalThread(() -> run(args), "bench");
    t.start();
    t.join();
  }

  private static void run(String[] args) {
    ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    Publish publish =
        new Publish(
            false,
            Qos.AT_LEAST_ONCE,
            false,
            "sensors/0042/tmp",
            7,
            MqttProperties.EMPTY,
            alloc.buffer(32).writeZero(32));
    byte[] one = Bytes.drain(MqttEncoder.encode(publish, MqttVersion.V5, alloc));
    ByteBuf batch = alloc.buffer(one.length * BATCH);
    for (int i = 0; i < BATCH; i++) {
      batch.writeBytes(one);
    }
    EmbeddedChannel ch = Bytes.connectedServer(MqttVersion.V5);
    EmbeddedChannel nettyCh = new EmbeddedChannel(new io.netty.handler.codec.mqtt.MqttDecoder());
    nettyCh.attr(NettyMqtt.VERSION_KEY).set(io.netty.handler.codec.mqtt.MqttVersion.MQTT_5);
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    for (int round = 0; round < 3; round++) {
      long t0 = cpuNow();
      for (int r = 0; r < rounds; r++) {
        ch.writeInbound(batch.retainedDuplicate());
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
          Publish p = (Publish) o;
          sink += p.packetId();
          p.release();
        }
      }
      long decode = cpuNow() - t0;

      // Heap bytes allocated per packet by the body decoder and the one-off encoder (records, the
      // topic String, slices; pooled buffers come from the arena, not the heap).
      if (round == 2) {
        reportAllocations(batch, one.length, publish, alloc);
      }

      // For comparison: netty-codec-mqtt's decoder on the same bytes, the same way.
      t0 = cpuNow();
      for (int r = 0; r < rounds; r++) {
        nettyCh.writeInbound(batch.retainedDuplicate());
        for (Object o = nettyCh.readInbound(); o != null; o = nettyCh.readInbound()) {
          sink += o.hashCode();
          io.netty.util.ReferenceCountUtil.release(o);
        }
      }
      long nettyDecode = cpuNow() - t0;

      // The same packets through the body decoder alone, without the channel pipeline.
      dev.mqttls.codec.internal.PacketDecoder body =
          new dev.mqttls.codec.internal.PacketDecoder(true);
      t0 = cpuNow();
      try {
        for (int r = 0; r < rounds; r++) {
          for (int off = 0; off < one.length * BATCH; off += one.length) {
            Publish p =
                (Publish)
                    body.decode(
                        batch, PacketType.PUBLISH, 2, off + 2, one.length - 2, MqttVersion.V5);
            sink += p.packetId();
            p.release();
          }
        }
      } catch (dev.mqttls.codec.internal.DecodeException e) {
        throw new AssertionError(e);
      }
      long bodyOnly = cpuNow() - t0;

      t0 = cpuNow();
      for (int r = 0; r < rounds * BATCH; r++) {
        ByteBuf out = MqttEncoder.encode(publish, MqttVersion.V5, alloc);
        sink += out.readableBytes();
        out.release();
      }
      long encode = cpuNow() - t0;

      // The floor under any encoding: allocating and releasing a pooled buffer of that size.
      t0 = cpuNow();
      for (int r = 0; r < rounds * BATCH; r++) {
        ByteBuf out = alloc.buffer(one.length);
        sink += out.writerIndex();
        out.release();
      }
      long allocOnly = cpuNow() - t0;

      EncodedPublish shared = EncodedPublish.of(publish, MqttVersion.V5);
      t0 = cpuNow();
      for (int r = 0; r < rounds * BATCH; r++) {
        ByteBuf out =
            shared.forSubscriber(
                alloc, Qos.AT_LEAST_ONCE, 1 + (r & 0x7FFF), false, false, 0, false, List.of());
        sink += out.readableBytes();
        out.release();
      }
      long fanout = cpuNow() - t0;
      shared.release();

      // Through a coalescing encoder: shared-encoding deliveries, flushed every 32 packets.
      MqttEncoder coalescing = new MqttEncoder(MqttVersion.V5);
      coalescing.setCoalescing(true);
      EmbeddedChannel out = new EmbeddedChannel(coalescing);
      EncodedPublish enc = EncodedPublish.of(publish, MqttVersion.V5);
      t0 = cpuNow();
      for (int r = 0; r < rounds * BATCH; r++) {
        out.write(
            enc.delivery(Qos.AT_LEAST_ONCE, 1 + (r & 0x7FFF), false, false, 0, false, List.of()),
            out.voidPromise());
        if ((r & 31) == 31) {
          out.flush();
          for (Object o = out.readOutbound(); o != null; o = out.readOutbound()) {
            sink += ((ByteBuf) o).readableBytes();
            ((ByteBuf) o).release();
          }
        }
      }
      long coalesced = cpuNow() - t0;
      enc.release();
      out.finishAndReleaseAll();

      double n = (double) rounds * BATCH;
      System.out.printf(
          "round %d (thread CPU time, %d-byte PUBLISH): decode %.0f ns/op (body alone %.0f;"
              + " netty-codec-mqtt %.0f), encode %.0f ns/op, shared encoding per subscriber %.0f"
              + " ns/op, pooled buffer alloc+release %.0f ns, coalesced delivery %.0f ns/op%n",
          round,
          one.length,
          decode / n,
          bodyOnly / n,
          nettyDecode / n,
          encode / n,
          fanout / n,
          allocOnly / n,
          coalesced / n);
    }
    batch.release();
    publish.release();
    ch.finishAndReleaseAll();
    nettyCh.finishAndReleaseAll();
  }
}
