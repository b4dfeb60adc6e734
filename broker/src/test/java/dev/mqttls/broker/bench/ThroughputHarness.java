package dev.mqttls.broker.bench;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small 1→1 throughput and latency harness over loopback (not a test: run it by hand). One
 * publisher sends pre-encoded MQTT 3.1.1 PUBLISH packets (64-byte payload) as fast as the broker
 * takes them (QoS 1: with a window of 256 unacknowledged messages), one subscriber reads and
 * acknowledges them. Reports messages per second at the subscriber and the broker's CPU time per
 * message: for our broker in-process from its {@code mqttls-*} threads, for a broker in another
 * process (ours via {@code mqttls broker -c}, or Mosquitto) from /proc/PID/stat.
 *
 * <pre>
 * CP=broker/target/test-classes:broker/target/classes:$(mvn -q dependency:build-classpath ...)
 * java -cp $CP dev.mqttls.broker.bench.ThroughputHarness QOS SECONDS [PORT PID]
 * java -cp $CP dev.mqttls.broker.bench.ThroughputHarness latency RATE SECONDS [PORT]
 * java -cp $CP dev.mqttls.broker.bench.ThroughputHarness serve PORT   (our broker alone)
 * add -Dtls=DIR (ca.crt, server.crt/.key, client.crt/.key in PKCS#8) for mutual TLS 1.3
 * add -Dpersist=DIR for persistence true in DIR with persistent sessions (in-process only;
 *   against another broker: the bench clients use persistent sessions), -Dsync=none|batch|always
 *   for its persistence_sync
 * </pre>
 */
public final class ThroughputHarness {
  static final int PAYLOAD = 64;
  static final String TOPIC = "bench/t";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      // serve PORT: our broker alone in this process, so that /proc shows all of its CPU
      BrokerConfig c = config();
      var l = c.listeners().get(0);
      c =
          c.toBuilder()
              .listeners(
                  java.util.List.of(
                      new dev.mqttls.broker.ListenerConfig(
                          Integer.parseInt(args[1]),
                          l.bindAddress(),
                          l.tlsDirectives(),
                          l.baseDir())))
              .build();
      try (Broker broker = Broker.start(c)) {
        System.out.println(
            "serving on " + broker.address(0) + ", pid " + ProcessHandle.current().pid());
        Thread.sleep(Long.MAX_VALUE);
      }
      return;
    }
    if (args.length > 0 && args[0].equals("latency")) {
      latency(args);
      return;
    }
    int qos = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    if (args.length > 3) {
      int port = Integer.parseInt(args[2]);
      long pid = Long.parseLong(args[3]);
      Result r =
          run(new InetSocketAddress("127.0.0.1", port), qos, seconds, () -> procCpuNanos(pid));
      System.out.println("external pid " + pid + ": " + r);
      return;
    }
    try (Broker broker = Broker.start(config())) {
      Result r = run(broker.address(0), qos, seconds, ThroughputHarness::brokerThreadsCpuNanos);
      System.out.println("mqttls: " + r);
    }
  }

  /**
   * {@code latency [rate] [seconds] [port]}: QoS 0 at a fixed rate, end-to-end latency percentiles
   * (publisher write to subscriber read, same clock).
   */
  static void latency(String[] args) throws Exception {
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    if (args.length > 3) {
      System.out.println(
          "external: "
              + latency(
                  new InetSocketAddress("127.0.0.1", Integer.parseInt(args[3])), rate, seconds));
      return;
    }
    try (Broker broker = Broker.start(config())) {
      System.out.println("mqttls: " + latency(broker.address(0), rate, seconds));
    }
  }

  static String latency(InetSocketAddress addr, int rate, int seconds) throws Exception {
    int total = rate * seconds;
    long[] lat = new long[total];
    try (Socket sub = connect(addr, "lat-sub");
        Socket pub = connect(addr, "lat-pub")) {
      subscribe(sub, 0);
      Thread reader =
          new Thread(
              () -> {
                try {
                  DataInputStream in = new DataInputStream(sub.getInputStream());
                  byte[] p = publish(0, 0);
                  byte[] got = new byte[p.length];
                  for (int i = 0; i < total; i++) {
                    in.readFully(got);
                    long sent = 0;
                    int at = got.length - PAYLOAD;
                    for (int k = 0; k < 8; k++) {
                      sent = (sent << 8) | (got[at + k] & 0xFF);
                    }
                    lat[i] = System.nanoTime() - sent;
                  }
                } catch (IOException e) {
                  // closed
                }
              },
              "lat-sub");
      reader.start();
      OutputStream out = pub.getOutputStream();
      byte[] p = publish(0, 0);
      long start = System.nanoTime();
      long interval = 1_000_000_000L / rate;
      for (int i = 0; i < total; i++) {
        long due = start + i * interval;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        long now = System.nanoTime();
        int at = p.length - PAYLOAD;
        for (int k = 7; k >= 0; k--) {
          p[at + k] = (byte) now;
          now >>>= 8;
        }
        out.write(p);
      }
      reader.join(10_000);
    }
    long[] sorted = java.util.Arrays.stream(lat).filter(v -> v > 0).sorted().toArray();
    if (sorted.length == 0) {
      return "no messages";
    }
    return String.format(
        "QoS 0 at %d msgs/s for %d s: %d received, latency p50 %.3f ms, p99 %.3f ms, max %.3f ms",
        rate,
        seconds,
        sorted.length,
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) (sorted.length * 0.99)] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  /**
   * With {@code -Dtls=DIR} (holding ca.crt, server.crt/.key and client.crt/.key in PKCS#8, e.g.
   * from openssl): mutual TLS 1.3 on both sides.
   */
  static final String TLS_DIR = System.getProperty("tls");

  /** -Dpersist=DIR: persistence on, in DIR, and persistent (clean session 0) bench clients. */
  static final String PERSIST_DIR = System.getProperty("persist");

  static BrokerConfig config() throws Exception {
    if (PERSIST_DIR != null) {
      return BrokerConfig.builder()
          .listener(0, "127.0.0.1")
          .persistence(true)
          .persistenceLocation(Path.of(PERSIST_DIR))
          .persistenceSync(
              BrokerConfig.PersistenceSync.valueOf(
                  System.getProperty("sync", "none").toUpperCase(java.util.Locale.ROOT)))
          .build();
    }
    if (TLS_DIR == null) {
      return BrokerConfig.builder().listener(0, "127.0.0.1").build();
    }
    return BrokerConfig.parse(
        "listener 0 127.0.0.1\ncafile ca.crt\ncertfile server.crt\nkeyfile server.key\n"
            + "require_certificate true\ntls_version tlsv1.3\n",
        Path.of(TLS_DIR, "bench.conf"));
  }

  private static javax.net.ssl.SSLContext clientTls() throws Exception {
    var cf = java.security.cert.CertificateFactory.getInstance("X.509");
    var trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca", cf.generateCertificate(Files.newInputStream(Path.of(TLS_DIR, "ca.crt"))));
    var tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    String pem = Files.readString(Path.of(TLS_DIR, "client.key"));
    byte[] der =
        java.util.Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    var key =
        java.security.KeyFactory.getInstance("EC")
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
    var cert = cf.generateCertificate(Files.newInputStream(Path.of(TLS_DIR, "client.crt")));
    var ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("me", key, "pw".toCharArray(), new java.security.cert.Certificate[] {cert});
    var kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, "pw".toCharArray());
    var ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  interface CpuClock {
    long nanos() throws IOException;
  }

  record Result(int qos, double msgsPerSecond, double brokerCpuMicrosPerMsg) {
    @Override
    public String toString() {
      return String.format(
          "QoS %d 1->1, %d-byte payload: %.0f msgs/s, broker CPU %.2f us/msg",
          qos, PAYLOAD, msgsPerSecond, brokerCpuMicrosPerMsg);
    }
  }

  static Result run(InetSocketAddress addr, int qos, int seconds, CpuClock cpu) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong received = new AtomicLong();
    try (Socket sub = connect(addr, "bench-sub");
        Socket pub = connect(addr, "bench-pub")) {
      subscribe(sub, qos);
      Thread reader = new Thread(() -> readSubscriber(sub, qos, received, stop), "bench-sub");
      reader.start();
      Semaphore window = new Semaphore(qos == 0 ? 0 : 256);
      Thread acks = null;
      if (qos == 1) {
        acks = new Thread(() -> readAcks(pub, window, stop), "bench-acks");
        acks.start();
      }
      Thread writer = new Thread(() -> writePublisher(pub, qos, window, stop), "bench-pub");
      writer.start();
      Thread.sleep(1500); // warm-up: JIT, pools
      long n0 = received.get();
      long c0 = cpu.nanos();
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long n1 = received.get();
      long c1 = cpu.nanos();
      long t1 = System.nanoTime();
      stop.set(true);
      pub.close();
      sub.close();
      writer.join(5000);
      reader.join(5000);
      if (acks != null) {
        acks.join(5000);
      }
      long n = n1 - n0;
      return new Result(qos, n * 1e9 / (t1 - t0), n == 0 ? Double.NaN : (c1 - c0) / 1000.0 / n);
    }
  }

  static long brokerThreadsCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("mqttls-")) {
        long c = mx.getThreadCpuTime(t.getId());
        if (c > 0) {
          sum += c;
        }
      }
    }
    return sum;
  }

  static long procCpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    return ticks * 10_000_000L; // USER_HZ = 100
  }

  private static Socket connect(InetSocketAddress addr, String id) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(addr);
    if (TLS_DIR != null) {
      try {
        var tls =
            (javax.net.ssl.SSLSocket)
                clientTls().getSocketFactory().createSocket(s, "localhost", addr.getPort(), true);
        tls.startHandshake();
        s = tls;
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
    byte[] cid = id.getBytes(StandardCharsets.UTF_8);
    byte[] connect = new byte[12 + 2 + cid.length];
    int i = 0;
    connect[i++] = 0x10;
    connect[i++] = (byte) (10 + 2 + cid.length);
    byte flags = (byte) (PERSIST_DIR == null ? 2 : 0);
    for (byte b : new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, flags, 0, 60}) {
      connect[i++] = b;
    }
    connect[i++] = 0;
    connect[i++] = (byte) cid.length;
    System.arraycopy(cid, 0, connect, i, cid.length);
    s.getOutputStream().write(connect);
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] connack = new byte[4];
    in.readFully(connack);
    if (connack[0] != 0x20 || connack[3] != 0) {
      throw new IOException("CONNACK refused: " + connack[3]);
    }
    return s;
  }

  private static void subscribe(Socket s, int qos) throws IOException {
    byte[] t = TOPIC.getBytes(StandardCharsets.UTF_8);
    byte[] sub = new byte[2 + 2 + 2 + t.length + 1];
    sub[0] = (byte) 0x82;
    sub[1] = (byte) (2 + 2 + t.length + 1);
    sub[2] = 0;
    sub[3] = 1;
    sub[4] = 0;
    sub[5] = (byte) t.length;
    System.arraycopy(t, 0, sub, 6, t.length);
    sub[sub.length - 1] = (byte) qos;
    s.getOutputStream().write(sub);
    byte[] suback = new byte[5];
    new DataInputStream(s.getInputStream()).readFully(suback);
  }

  private static byte[] publish(int qos, int packetId) {
    byte[] t = TOPIC.getBytes(StandardCharsets.UTF_8);
    int rl = 2 + t.length + (qos > 0 ? 2 : 0) + PAYLOAD;
    byte[] p = new byte[2 + rl];
    p[0] = (byte) (0x30 | (qos << 1));
    p[1] = (byte) rl;
    p[2] = 0;
    p[3] = (byte) t.length;
    System.arraycopy(t, 0, p, 4, t.length);
    if (qos > 0) {
      p[4 + t.length] = (byte) (packetId >> 8);
      p[5 + t.length] = (byte) packetId;
    }
    return p;
  }

  private static void writePublisher(Socket s, int qos, Semaphore window, AtomicBoolean stop) {
    try {
      OutputStream out = s.getOutputStream();
      if (qos == 0) {
        byte[] one = publish(0, 0);
        byte[] chunk = new byte[one.length * 256];
        for (int k = 0; k < 256; k++) {
          System.arraycopy(one, 0, chunk, k * one.length, one.length);
        }
        while (!stop.get()) {
          out.write(chunk);
        }
      } else {
        int id = 0;
        byte[] batch = new byte[publish(1, 1).length * 32];
        while (!stop.get()) {
          if (!window.tryAcquire(32, 100, TimeUnit.MILLISECONDS)) {
            continue;
          }
          int off = 0;
          for (int k = 0; k < 32; k++) {
            id = id == 65535 ? 1 : id + 1;
            byte[] p = publish(1, id);
            System.arraycopy(p, 0, batch, off, p.length);
            off += p.length;
          }
          out.write(batch, 0, off);
        }
      }
    } catch (IOException | InterruptedException e) {
      // closed at the end of the run
    }
  }

  private static void readAcks(Socket s, Semaphore window, AtomicBoolean stop) {
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long bytes = 0;
      while (!stop.get()) {
        int n = in.read(buf);
        if (n < 0) {
          return;
        }
        long before = bytes / 4;
        bytes += n;
        window.release((int) (bytes / 4 - before)); // PUBACK is 4 bytes
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** Parses PUBLISH packets (3.1.1), counts them, and acknowledges QoS 1 ones. */
  private static void readSubscriber(Socket s, int qos, AtomicLong count, AtomicBoolean stop) {
    try {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[256 * 1024];
      int have = 0;
      byte[] acks = new byte[4 * 8192];
      while (!stop.get()) {
        int n = in.read(buf, have, buf.length - have);
        if (n < 0) {
          return;
        }
        have += n;
        int pos = 0;
        int ackLen = 0;
        while (true) {
          if (have - pos < 2) {
            break;
          }
          int rl = 0;
          int mul = 1;
          int h = pos + 1;
          boolean complete = false;
          while (h < have) {
            int b = buf[h++] & 0xFF;
            rl += (b & 0x7F) * mul;
            mul *= 128;
            if ((b & 0x80) == 0) {
              complete = true;
              break;
            }
          }
          if (!complete || have - h < rl) {
            break;
          }
          int type = (buf[pos] & 0xF0) >> 4;
          if (type == 3) {
            count.incrementAndGet();
            int pq = (buf[pos] >> 1) & 3;
            if (pq == 1) {
              int tl = ((buf[h] & 0xFF) << 8) | (buf[h + 1] & 0xFF);
              int idAt = h + 2 + tl;
              if (ackLen + 4 > acks.length) {
                out.write(acks, 0, ackLen);
                ackLen = 0;
              }
              acks[ackLen++] = 0x40;
              acks[ackLen++] = 2;
              acks[ackLen++] = buf[idAt];
              acks[ackLen++] = buf[idAt + 1];
            }
          }
          pos = h + rl;
        }
        if (ackLen > 0) {
          out.write(acks, 0, ackLen);
        }
        System.arraycopy(buf, pos, buf, 0, have - pos);
        have -= pos;
      }
    } catch (IOException e) {
      // closed
    }
  }
}
