package dev.mqttls.cli.client;

import dev.mqttls.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the whole {@code mqttls} command line in-process through {@link Main#run}, with stdin given
 * and stdout and stderr captured. One at a time: it swaps the JVM's standard streams.
 */
public final class CliRun {
  public record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit=" + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private CliRun() {}

  public static synchronized Result withStdin(String stdin, String... args) {
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      System.out.flush();
      System.err.flush();
      return new Result(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  public static Result run(String... args) {
    return withStdin("", args);
  }
}
