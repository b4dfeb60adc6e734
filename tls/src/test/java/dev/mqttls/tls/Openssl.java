package dev.mqttls.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the openssl CLI with a bounded wait; stops it by PID if it overruns. */
final class Openssl {
  record Result(int exit, String output) {}

  static Result run(Path dir, String stdin, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    try {
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
      }
      p.getOutputStream().close();
      // s_client waits for stdin EOF then closes; output is small, read it after exit
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        throw new AssertionError("openssl " + String.join(" ", args) + " did not finish in 20 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(p.exitValue(), out);
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  static String ok(Path dir, String... args) throws IOException, InterruptedException {
    Result r = run(dir, null, args);
    if (r.exit() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + r.output());
    }
    return r.output();
  }

  private Openssl() {}
}
