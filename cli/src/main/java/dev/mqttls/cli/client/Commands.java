package dev.mqttls.cli.client;

import dev.mqttls.client.MqttClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/** What pub, sub and shell share: turning failures into one line on stderr and an exit code. */
public final class Commands {
  private Commands() {}

  public static int run(String name, PrintWriter err, boolean debug, Callable<Integer> body) {
    return run(name, err, debug, false, body);
  }

  /**
   * Runs {@code body}, printing a failure as one line; with {@code quiet} only usage errors print,
   * as mosquitto_pub/sub's --quiet does.
   */
  static int run(
      String name, PrintWriter err, boolean debug, boolean quiet, Callable<Integer> body) {
    String prefix = "mqttls " + name + ": ";
    // the command reports each failure itself, in one line; the library's log line would say it
    // again (a lost connection twice). -d keeps the library's log.
    ch.qos.logback.classic.Logger library = null;
    ch.qos.logback.classic.Level before = null;
    if (!debug
        && org.slf4j.LoggerFactory.getLogger("dev.mqttls.client")
            instanceof ch.qos.logback.classic.Logger l) {
      library = l;
      before = l.getLevel();
      l.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
    try {
      return body.call();
    } catch (CliFailure e) {
      if (!quiet || e.exitCode() == ExitCodes.USAGE) {
        print(err, prefix + e.getMessage());
      }
      return e.exitCode();
    } catch (MqttClientException e) {
      int code = ExitCodes.of(e.kind());
      if (!quiet || code == ExitCodes.USAGE) {
        print(err, prefix + e.getMessage());
      }
      return code;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      print(err, prefix + "interrupted");
      return ExitCodes.FAILED;
    } catch (UncheckedIOException e) {
      return ioFailure(err, prefix, e.getCause(), quiet);
    } catch (IOException e) {
      return ioFailure(err, prefix, e, quiet);
    } catch (Exception e) {
      // not the user's mistake but ours: the stack trace helps a bug report, with -d
      print(
          err,
          prefix
              + "internal error, please report it: "
              + e
              + (debug ? "" : " (run with -d for the stack trace)"));
      if (debug) {
        e.printStackTrace(err);
        err.flush();
      }
      return ExitCodes.FAILED;
    } finally {
      if (library != null) {
        library.setLevel(before);
      }
    }
  }

  private static int ioFailure(PrintWriter err, String prefix, IOException e, boolean quiet) {
    if (!quiet) {
      print(
          err,
          prefix
              + "input/output failed: "
              + (e.getMessage() == null ? "no details" : e.getMessage())
              + "; check the files and streams given");
    }
    return ExitCodes.FAILED;
  }

  private static void print(PrintWriter err, String line) {
    err.println(line);
    err.flush();
  }
}
