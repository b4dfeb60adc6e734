package dev.mqttls.tls;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** Records what the tls module logs, for assertions on the operator's log lines. */
final class LogRecorder implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.mqttls.tls");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogRecorder() {
    appender.start();
    logger.addAppender(appender);
  }

  List<String> lines() {
    synchronized (appender.list) {
      List<String> out = new ArrayList<>();
      for (ILoggingEvent e : appender.list) {
        out.add(e.getFormattedMessage());
      }
      return out;
    }
  }

  /** Waits (bounded) for a line containing all of {@code parts}. */
  String await(String... parts) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (String l : lines()) {
        boolean all = true;
        for (String p : parts) {
          all &= l.contains(p);
        }
        if (all) {
          return l;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "no log line with " + List.of(parts) + " within 10 s; lines: " + lines());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
