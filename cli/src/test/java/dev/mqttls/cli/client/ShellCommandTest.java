package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.cli.Main;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.certs.OpenSslPki;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqttls shell} driven through piped input, one command at a time, against Mosquitto. */
class ShellCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void shell_connectsSubscribesPublishesReportsStatus_andPrintsArrivingMessages() throws Exception {
    try (MosquittoProcess m = MosquittoProcess.start();
        Session shell = new Session("shell")) {
      shell.send("help");
      shell.await("subscribe [-q N] FILTER");
      shell.send("status");
      shell.await("state:            DISCONNECTED");
      shell.send("publish t x");
      shell.await("error: not connected");
      shell.send("connect mqtt://127.0.0.1:" + m.port());
      shell.await("connected to mqtt://127.0.0.1:" + m.port() + ", session present: false");
      shell.send("subscribe -q 1 room/#");
      shell.await("subscribed to room/# (qos 1)");
      shell.send("publish -q 2 room/lamp on and bright");
      shell.await("published to room/lamp (qos 2)");
      shell.await("room/lamp on and bright");
      // a message from another client prints while the shell waits for input
      MosquittoClients.Result pub =
          MosquittoClients.run(
              WAIT,
              "mosquitto_pub",
              "-h",
              "127.0.0.1",
              "-p",
              m.port(),
              "-t",
              "room/door",
              "-m",
              "open",
              "-r");
      assertThat(pub.exitCode()).isZero();
      shell.await("room/door open");
      shell.send("status");
      shell.await("messages:         in 2, out 1");
      assertThat(shell.output())
          .contains("state:            CONNECTED")
          .contains("broker:           mqtt://127.0.0.1:" + m.port())
          .contains("tls:              none (plain TCP)")
          .contains("session present:  false")
          .contains("subscriptions:    room/# (qos 1)");
      shell.send("unsubscribe room/#");
      shell.await("unsubscribed");
      shell.send("frobnicate");
      shell.await("error: unknown command 'frobnicate' (type help)");
      shell.send("disconnect");
      shell.await("disconnected");
      shell.send("connect mqtt://127.0.0.1:1");
      shell.await("error: nothing accepts connections at mqtt://127.0.0.1:1");
      shell.send("exit");
      assertThat(shell.exitCode()).isZero();
    }
  }

  @Test
  void shell_status_showsTlsVersionCipherAndThePeerCertificate(@TempDir Path dir) throws Exception {
    OpenSslPki pki = new OpenSslPki(dir);
    try (MosquittoProcess m =
            MosquittoProcess.builder()
                .listenerLine("certfile " + pki.serverCert)
                .listenerLine("keyfile " + pki.serverKey)
                .start();
        Session shell = new Session("shell", "--cafile", pki.caCert.toString())) {
      shell.send("connect mqtts://localhost:" + m.port());
      shell.await("connected to mqtts://localhost:" + m.port() + " (TLSv1.");
      shell.send("status");
      shell.await("messages:");
      assertThat(shell.output())
          .containsPattern("tls: +TLSv1\\.[23], TLS_")
          .containsPattern(
              "peer certificate: CN=localhost \\(issuer CN=mqttls test CA, expires in (29|30) days\\)");
      shell.send("connect mqtts://127.0.0.1:" + m.port() + "/ignored");
      shell.await("connected to mqtts://127.0.0.1:" + m.port());
      shell.send("exit");
      assertThat(shell.exitCode()).isZero();
    }
  }

  /** The shell running in-process with a pipe as its stdin and its stdout captured. */
  private static final class Session implements AutoCloseable {
    private final InputStream oldIn = System.in;
    private final PrintStream oldOut = System.out;
    private final PipedOutputStream input = new PipedOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exit;

    Session(String... args) throws Exception {
      PipedInputStream in = new PipedInputStream(input, 64 * 1024);
      System.setIn(in);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit = CompletableFuture.supplyAsync(() -> Main.run(args));
    }

    void send(String line) throws Exception {
      input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      input.flush();
    }

    String output() {
      synchronized (out) {
        return out.toString(StandardCharsets.UTF_8);
      }
    }

    void await(String text) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!output().contains(text) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(output()).as("shell output within " + WAIT).contains(text);
    }

    int exitCode() throws Exception {
      return exit.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      try {
        input.close();
        exit.get(10, TimeUnit.SECONDS);
      } finally {
        System.setIn(oldIn);
        System.setOut(oldOut);
      }
    }
  }
}
