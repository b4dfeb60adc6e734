package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.mqttls.cli.Main;
import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
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
      int closed = Ports.freePort();
      shell.send("connect mqtt://127.0.0.1:" + closed);
      // the words are the client library's; the shell prints them as one error line
      shell.await("error: ");
      shell.await("mqtt://127.0.0.1:" + closed);
      shell.send("exit");
      // piped, the shell is a script: it exits with the status of its last failed command
      assertThat(shell.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
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

  @Test
  void shell_secondDisconnect_saysNotConnected_andAFailingScriptExitsNonZero() throws Exception {
    try (MosquittoProcess m = MosquittoProcess.start();
        Session shell = new Session("shell")) {
      shell.send("connect mqtt://127.0.0.1:" + m.port());
      shell.await("connected to");
      shell.send("disconnect");
      shell.await("disconnected");
      shell.send("disconnect");
      shell.await("error: not connected");
      assertThat(shell.output()).containsOnlyOnce("disconnected");
      shell.send("exit");
      // the script had a failing command: its exit code tells the caller
      assertThat(shell.exitCode()).isEqualTo(ExitCodes.USAGE);
    }
    int closed = Ports.freePort();
    try (Session shell = new Session("shell")) {
      shell.send("connect mqtt://127.0.0.1:" + closed);
      shell.await("mqtt://127.0.0.1:" + closed);
      shell.send("status");
      shell.await("DISCONNECTED");
      shell.send("exit");
      assertThat(shell.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    }
  }

  @Test
  void shell_connectLine_takesTlsOptions_thatTheShellWasNotStartedWith(@TempDir Path dir)
      throws Exception {
    OpenSslPki pki = new OpenSslPki(dir);
    try (MosquittoProcess m =
            MosquittoProcess.builder()
                .listenerLine("certfile " + pki.serverCert)
                .listenerLine("keyfile " + pki.serverKey)
                .start();
        Session shell = new Session("shell")) {
      shell.send("connect mqtts://localhost:" + m.port());
      // without --cafile the system's CAs do not know our test CA
      shell.await("error: ");
      shell.send("connect mqtts://localhost:" + m.port() + " --cafile " + pki.caCert);
      shell.await("connected to mqtts://localhost:" + m.port() + " (TLSv1.");
      shell.send("connect mqtts://localhost:" + m.port() + " --cafile /no/such/ca.crt");
      shell.await("error: --cafile /no/such/ca.crt: no such file; check the path and spelling");
      shell.send("exit");
    }
  }

  @Test
  void shell_lostConnection_isReportedOnce_withoutTheLibrarysLogLine() throws Exception {
    try (LogCapture log = LogCapture.start("dev.mqttls.client", Level.WARN)) {
      MosquittoProcess m = MosquittoProcess.start();
      try (Session shell = new Session("shell")) {
        shell.send("connect mqtt://127.0.0.1:" + m.port());
        shell.await("connected to");
        m.close();
        shell.await("error: connection lost");
        shell.send("status");
        shell.await("state:");
        assertThat(shell.output()).containsOnlyOnce("connection lost");
        assertThat(log.lines()).noneMatch(l -> l.contains("lost"));
        shell.send("exit");
      } finally {
        m.close();
      }
    }
  }

  @Test
  void shell_offersTheTopicsItHasSeen_forCompletion() {
    ShellCommand shell = new ShellCommand();
    shell.seen("house/kitchen/light");
    shell.seen("house/door");
    assertThat(shell.topicCandidates()).containsExactly("house/door", "house/kitchen/light");
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
