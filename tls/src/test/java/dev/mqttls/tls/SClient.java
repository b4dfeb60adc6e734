package dev.mqttls.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code openssl s_client} against a local port: sends one line, waits (bounded) for the
 * server's echo or the end of the connection, then closes stdin and waits for exit.
 */
final class SClient {
  static String run(Path dir, int port, String... extra) throws IOException, InterruptedException {
    return runWithLine(dir, port, "ping-echo", extra);
  }

  /** As {@link #run}, sending {@code line} (which must start with "ping-echo"). */
  static String runWithLine(Path dir, int port, String line, String... extra)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = p.getInputStream()) {
                byte[] b = new byte[4096];
                int n;
                while ((n = in.read(b)) > 0) {
                  synchronized (buf) {
                    buf.write(b, 0, n);
                  }
                }
              } catch (IOException e) {
                // process ended
              }
            });
    reader.start();
    try {
      OutputStream stdin = p.getOutputStream();
      try {
        stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
      } catch (IOException e) {
        // s_client already exited (e.g. refused in the handshake); its output tells why
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && p.isAlive()) {
        String out;
        synchronized (buf) {
          out = buf.toString(StandardCharsets.UTF_8);
        }
        // the echo appears after the handshake summary; tickets have been read by then
        if (out.contains("ping-echo")) {
          Thread.sleep(line.length() > 100 ? 1000 : 200);
          break;
        }
        Thread.sleep(20);
      }
      try {
        stdin.close();
      } catch (IOException e) {
        // already exited
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("s_client did not exit");
      }
      reader.join(5000);
      synchronized (buf) {
        return buf.toString(StandardCharsets.UTF_8);
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private SClient() {}
}
