package dev.mqttls.interop.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT bytes in WebSocket frames, spelled out: the JDK's own WebSocket client (a peer we did not
 * write) sends packets split across frames and several packets in one frame; subprotocols; text
 * frames; and mosquitto's {@code http_dir} over plain HTTP.
 */
class WebSocketFramingTest {
  @TempDir static Path dir;
  static EmbeddedBroker broker;
  static Path www;
  static Path outside;

  // CONNECT 3.1.1, clean session, keep-alive 60, client id "raw"
  static final byte[] CONNECT = {
    0x10, 0x0F, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 3, 'r', 'a', 'w'
  };
  // SUBSCRIBE packet id 1, "ws/raw" QoS 0
  static final byte[] SUBSCRIBE = {(byte) 0x82, 0x0B, 0, 1, 0, 6, 'w', 's', '/', 'r', 'a', 'w', 0};

  @BeforeAll
  static void start() throws IOException {
    www = Files.createDirectories(dir.resolve("www"));
    Files.writeString(www.resolve("index.html"), "<p>index</p>");
    Files.createDirectories(www.resolve("js"));
    Files.writeString(www.resolve("js/app.js"), "let a = 1;");
    outside = Files.writeString(dir.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(www.resolve("link.txt"), outside);
    broker = WebSocketListeners.start(TestPki.create(dir), www);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  static URI ws() {
    return URI.create(
        "ws://127.0.0.1:" + WebSocketListeners.port(broker, WebSocketListeners.WS) + "/mqtt");
  }

  static byte[] publish(String payload) {
    byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[2 + 8 + p.length];
    out[0] = 0x30;
    out[1] = (byte) (8 + p.length);
    byte[] head = {0, 6, 'w', 's', '/', 'r', 'a', 'w'};
    System.arraycopy(head, 0, out, 2, 8);
    System.arraycopy(p, 0, out, 10, p.length);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  @Test
  void packetsSplitAcrossFramesAndSharingFrames_allArrive() throws Exception {
    Collector in = new Collector();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("mqtt")
            .buildAsync(ws(), in)
            .get(10, TimeUnit.SECONDS);
    try {
      assertThat(ws.getSubprotocol()).isEqualTo("mqtt");
      // CONNECT and SUBSCRIBE in one frame
      ws.sendBinary(ByteBuffer.wrap(concat(CONNECT, SUBSCRIBE)), true).get(5, TimeUnit.SECONDS);
      assertThat(in.await(9)).containsExactly(0x20, 2, 0, 0, 0x90, 3, 0, 1, 0);
      // one PUBLISH in a fragmented message: a first frame and a continuation frame
      byte[] one = publish("one");
      ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(one, 0, 5)), false).get(5, TimeUnit.SECONDS);
      ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(one, 5, one.length)), true)
          .get(5, TimeUnit.SECONDS);
      // one PUBLISH across two whole messages
      byte[] two = publish("two");
      ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(two, 0, 1)), true).get(5, TimeUnit.SECONDS);
      ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(two, 1, two.length)), true)
          .get(5, TimeUnit.SECONDS);
      // two PUBLISH packets in one frame
      ws.sendBinary(ByteBuffer.wrap(concat(publish("three"), publish("four"))), true)
          .get(5, TimeUnit.SECONDS);
      byte[] expected = concat(publish("one"), publish("two"), publish("three"), publish("four"));
      List<Integer> got = in.await(9 + expected.length);
      List<Integer> want = new ArrayList<>();
      for (byte b : expected) {
        want.add(b & 0xFF);
      }
      assertThat(got.subList(9, got.size())).isEqualTo(want);
    } finally {
      ws.abort();
    }
  }

  @Test
  void subprotocolMqttv31_isAccepted() throws Exception {
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("mqttv3.1")
            .buildAsync(ws(), new Collector())
            .get(10, TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo("mqttv3.1");
    ws.abort();
  }

  @Test
  void unknownSubprotocol_isRefusedWithALogLine() {
    long mark = broker.log().mark();
    CompletableFuture<WebSocket> f =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("stomp")
            .buildAsync(ws(), new Collector());
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    broker
        .log()
        .assertLogged(mark, Duration.ofSeconds(5), "WebSocket subprotocol stomp offered", "(400)");
  }

  @Test
  void textFrame_closesWith1003AndALogLine() throws Exception {
    long mark = broker.log().mark();
    Collector in = new Collector();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("mqtt")
            .buildAsync(ws(), in)
            .get(10, TimeUnit.SECONDS);
    ws.sendText("CONNECT", true).get(5, TimeUnit.SECONDS);
    assertThat(in.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
    broker.log().assertLogged(mark, Duration.ofSeconds(5), "text frame");
  }

  @Test
  void httpDir_servesFilesAsMosquittoDoes() throws IOException {
    int port = WebSocketListeners.port(broker, WebSocketListeners.WS);
    assertThat(get(port, "/")).startsWith("HTTP/1.1 200").endsWith("<p>index</p>");
    assertThat(get(port, "/js/app.js"))
        .startsWith("HTTP/1.1 200")
        .contains("text/javascript")
        .endsWith("let a = 1;");
    // Directories (other than /) are refused, as mosquitto does; there are no listings.
    assertThat(get(port, "/js/")).startsWith("HTTP/1.1 403");
    assertThat(get(port, "/js")).startsWith("HTTP/1.1 403");
    assertThat(get(port, "/missing.html")).startsWith("HTTP/1.1 404");
    // No way out of http_dir: dot segments, encoded or not, and symbolic links.
    assertThat(get(port, "/../secret.txt")).startsWith("HTTP/1.1 403").doesNotContain("secret");
    assertThat(get(port, "/%2e%2e/secret.txt")).startsWith("HTTP/1.1 403");
    assertThat(get(port, "/js/..%2f..%2fsecret.txt")).startsWith("HTTP/1.1 403");
    assertThat(get(port, "/link.txt")).startsWith("HTTP/1.1 403").doesNotContain("secret");
    assertThat(request(port, "POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 405");
  }

  @Test
  void withoutHttpDir_plainHttpIsClosedUnanswered() throws IOException {
    try (EmbeddedBroker plain =
        EmbeddedBroker.start("listener 0 127.0.0.1", "protocol websockets")) {
      long mark = plain.log().mark();
      assertThat(get(plain.port(), "/")).isEmpty();
      plain.log().assertLogged(mark, Duration.ofSeconds(5), "no http_dir on this listener");
    }
  }

  @Test
  void headersLargerThanWebsocketsHeadersSize_areRefused() throws IOException {
    long mark = broker.log().mark();
    int port = WebSocketListeners.port(broker, WebSocketListeners.WS);
    String big = "a".repeat(2000);
    String r =
        request(
            port,
            "GET /mqtt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Cookie: "
                + big
                + "\r\n\r\n");
    // The broker answers 431 and closes with the rest of the headers unread, so the client may
    // see a reset before the answer: the log line is the proof, and no upgrade happened.
    assertThat(r).doesNotContain("101 Switching Protocols");
    broker.log().assertLogged(mark, Duration.ofSeconds(5), "websockets_headers_size");
  }

  static String get(int port, String path) throws IOException {
    return request(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }

  /** Sends a raw request and reads until the broker closes the connection. */
  static String request(int port, String text) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
        }
      } catch (SocketException e) {
        // reset by the broker after its answer: what was read stands
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }

  /** Bytes and close code a JDK WebSocket receives. */
  static final class Collector implements WebSocket.Listener {
    private final List<Integer> bytes = new ArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      synchronized (bytes) {
        while (data.hasRemaining()) {
          bytes.add(data.get() & 0xFF);
        }
        bytes.notifyAll();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }

    /** Waits (at most 10 s) for {@code n} bytes in all; returns them. */
    List<Integer> await(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      synchronized (bytes) {
        while (bytes.size() < n) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          TimeUnit.NANOSECONDS.timedWait(bytes, left);
        }
        return List.copyOf(bytes);
      }
    }
  }
}
