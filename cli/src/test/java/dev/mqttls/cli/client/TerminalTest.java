package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The commands on a real pseudo-terminal (util-linux {@code script}), where they behave as for a
 * person: the password prompt with echo off, and the JLine shell printing arriving messages above
 * its prompt.
 */
@EnabledIf("scriptInstalled")
class TerminalTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  static boolean scriptInstalled() {
    return Files.isExecutable(Path.of("/usr/bin/script"));
  }

  @Test
  void pub_promptsForThePasswordOnATerminal_withoutEchoingIt() throws Exception {
    MosquittoProcess.Builder b = MosquittoProcess.builder().allowAnonymous(false);
    Path pw = b.file("passwd", "");
    MosquittoClients.Result passwd =
        MosquittoClients.run(
            Duration.ofSeconds(10), "mosquitto_passwd", "-b", pw, "carol", "typed-secret");
    assertThat(passwd.exitCode()).as(passwd.toString()).isZero();
    try (MosquittoProcess m = b.line("password_file " + pw).start();
        Pty pty =
            new Pty(
                "pub",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(m.port()),
                "-u",
                "carol",
                "-t",
                "t",
                "-m",
                "x")) {
      pty.await("Password for carol:");
      pty.type("typed-secret\n");
      assertThat(pty.exitCode()).as(pty.output()).isZero();
      assertThat(pty.output()).doesNotContain("typed-secret");
    }
  }

  @Test
  void shell_onATerminal_printsArrivingMessagesAboveThePrompt() throws Exception {
    try (MosquittoProcess m = MosquittoProcess.start();
        Pty pty = new Pty("shell")) {
      pty.await("mqttls>");
      pty.type("connect mqtt://127.0.0.1:" + m.port() + "\n");
      pty.await("connected to mqtt://127.0.0.1:" + m.port());
      pty.type("subscribe alerts/#\n");
      pty.await("subscribed to alerts/#");
      MosquittoClients.Result r =
          MosquittoClients.run(
              WAIT,
              "mosquitto_pub",
              "-h",
              "127.0.0.1",
              "-p",
              m.port(),
              "-t",
              "alerts/fire",
              "-m",
              "evacuate");
      assertThat(r.exitCode()).isZero();
      pty.await("alerts/fire evacuate");
      // tab completes the topic seen, not a command name
      pty.type("publish alerts/f\t");
      pty.type("again\n");
      pty.await("published to alerts/fire (qos 0)");
      pty.type("exit\n");
      assertThat(pty.exitCode()).as(pty.output()).isZero();
    }
  }

  /** {@code mqttls ARGS} in this test's class path, on a pseudo-terminal made by {@code script}. */
  private static final class Pty implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputStream in;
    private final Thread reader;

    Pty(String... args) throws IOException {
      List<String> java = new ArrayList<>();
      java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      java.add("-cp");
      java.add(System.getProperty("java.class.path"));
      java.add("dev.mqttls.cli.Main");
      java.addAll(List.of(args));
      // script's terminal starts with no size; JLine needs columns to draw its prompt
      StringBuilder cmd = new StringBuilder("stty cols 120 rows 40; exec ");
      for (String a : java) {
        cmd.append('\'').append(a.replace("'", "'\\''")).append("' ");
      }
      ProcessBuilder pb =
          new ProcessBuilder("/usr/bin/script", "-qfec", cmd.toString(), "/dev/null");
      pb.environment().remove(ClientSetup.PASSWORD_ENV);
      pb.environment().put("TERM", "xterm");
      pb.environment().put("HOME", Files.createTempDirectory("mqttls-home").toString());
      pb.redirectErrorStream(true);
      process = pb.start();
      in = process.getOutputStream();
      InputStream stream = process.getInputStream();
      reader =
          new Thread(
              () -> {
                byte[] buf = new byte[4096];
                int n;
                try {
                  while ((n = stream.read(buf)) >= 0) {
                    synchronized (out) {
                      out.write(buf, 0, n);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "pty-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** What the terminal showed, escape sequences removed. */
    String output() {
      synchronized (out) {
        return out.toString(StandardCharsets.UTF_8)
            .replaceAll("\u001B\\[[0-9;?]*[ -/]*[@-~]", "")
            .replace("\r", "");
      }
    }

    void await(String text) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!output().contains(text) && System.nanoTime() < deadline && process.isAlive()) {
        Thread.sleep(20);
      }
      assertThat(output()).as("terminal output within " + WAIT).contains(text);
    }

    void type(String text) throws IOException {
      in.write(text.getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
      reader.join(5_000);
      return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
