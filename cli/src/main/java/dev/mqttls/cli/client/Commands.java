package dev.mqttls.cli.client;

import ch.qos.logback.classic.Level;
import dev.mqttls.client.MqttClientException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;

/** What pub, sub and shell share: turning failures into one line on stderr and an exit code. */
final class Commands {
  private Commands() {}

  static int run(String name, PrintWriter err, boolean debug, Callable<Integer> body) {
    if (debug) {
      setLevel("dev.mqttls", Level.DEBUG);
    }
    try {
      return body.call();
    } catch (CliFailure e) {
      err.println("mqttls " + name + ": " + e.getMessage());
      err.flush();
      return e.exitCode();
    } catch (MqttClientException e) {
      err.println("mqttls " + name + ": " + e.getMessage());
      err.flush();
      return ExitCodes.of(e.kind());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("mqttls " + name + ": interrupted");
      err.flush();
      return ExitCodes.FAILED;
    } catch (Exception e) {
      err.println("mqttls " + name + ": " + e);
      err.flush();
      return ExitCodes.FAILED;
    }
  }

  private static void setLevel(String logger, Level level) {
    if (LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(level);
    }
  }
}
