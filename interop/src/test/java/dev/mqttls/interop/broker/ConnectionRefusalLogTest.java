package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 6: {@code max_connection_rate} works on a plain listener, and its refusals are
 * logged per episode with a count, not one line per refusal or per second; a silent TLS connection
 * is logged once.
 */
class ConnectionRefusalLogTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void plainListener_maxConnectionRate_refusesAFlood_oneLineThenACount() throws Exception {
    try (EmbeddedBroker broker =
        EmbeddedBroker.start("listener 0 127.0.0.1", "max_connection_rate 5/s")) {
      long mark = broker.log().mark();
      int closedUnread = 0;
      int attempts = 300;
      List<Socket> flood = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < attempts; i++) {
          Socket s = new Socket();
          flood.add(s);
          s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5000);
        }
        for (Socket s : flood) {
          if (closedAtOnce(s)) {
            closedUnread++;
          }
        }
      } finally {
        for (Socket s : flood) {
          s.close();
        }
      }
      assertThat(closedUnread).as("refused of " + attempts).isGreaterThan(attempts / 2);
      // A second later the source is admitted again, and the episode's count is logged.
      Thread.sleep(1200);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5000);
        assertThat(closedAtOnce(s)).as("admitted after a quiet second").isFalse();
      }
      String summary =
          broker.log().assertLogged(mark, T, "admitted again", "(max_connection_rate 5/s)");
      List<String> lines =
          broker.log().linesSince(mark).stream()
              .filter(l -> l.contains("max_connection_rate"))
              .toList();
      // The first refusal, possibly a 10-second summary on a slow machine, and the end.
      assertThat(lines).as(String.join("\n", lines)).hasSizeBetween(2, 3);
      assertThat(lines.get(0)).contains("refusing connections from 127.0.0.1");
      assertThat(summary).contains(" refused in the last ");
    }
  }

  @Test
  void silentTlsConnection_isLoggedOnce() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1", "certfile " + pki.serverCert(), "keyfile " + pki.serverKey())) {
      long mark = broker.log().mark();
      int localPort;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5000);
        localPort = s.getLocalPort();
        s.setSoTimeout((int) T.toMillis());
        // Sends nothing; the broker closes it (tls_handshake_timeout, 10 s by default).
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      // Anything else about this connection would be logged by now (the CONNECT timeout is 10 s).
      Thread.sleep(1500);
      String port = ":" + localPort;
      List<String> lines =
          broker.log().linesSince(mark).stream().filter(l -> l.contains(port)).toList();
      assertThat(lines).as(String.join("\n", lines)).hasSize(1);
      assertThat(lines.get(0)).contains("tls_handshake_timeout");
    }
  }

  /** Whether the broker closed (or reset) {@code s} without a word. */
  private static boolean closedAtOnce(Socket s) throws IOException {
    s.setSoTimeout(100);
    InputStream in = s.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false; // open and waiting for CONNECT: admitted
    } catch (IOException e) {
      return true; // reset
    }
  }
}
