package dev.mqttls.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures log lines of one logger (by default {@code dev.mqttls}) in this JVM, so a test can
 * assert that a named cause was logged. Lines read {@code "LEVEL logger - message"}, followed by
 * {@code " | ExceptionClass: message"} for each cause of an attached throwable.
 *
 * <p>Holds at most {@value #MAX_LINES} lines, dropping the oldest, so a long-running test does not
 * grow the heap without bound. Thread-safe: brokers log from their event loops.
 */
public final class LogCapture implements AutoCloseable {
  /** The most lines kept; older ones are dropped. */
  public static final int MAX_LINES = 20_000;

  private final Logger logger;
  private final Level previousLevel;
  private final CapturingAppender appender;

  private LogCapture(Logger logger, Level atLeast) {
    this.logger = logger;
    this.previousLevel = logger.getLevel();
    // Lower the threshold only: a test that asked for DEBUG elsewhere keeps it.
    if (logger.getEffectiveLevel().toInt() > atLeast.toInt()) {
      logger.setLevel(atLeast);
    }
    this.appender = new CapturingAppender();
    appender.setContext(logger.getLoggerContext());
    appender.setName("mqttls-log-capture-" + System.identityHashCode(this));
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures {@code dev.mqttls} at INFO or finer. */
  public static LogCapture start() {
    return start("dev.mqttls");
  }

  /** Captures {@code loggerName} and its children, at INFO or finer. */
  public static LogCapture start(String loggerName) {
    return start(loggerName, Level.INFO);
  }

  /**
   * Captures {@code loggerName} and its children, lowering its level to {@code atLeast} if needed.
   */
  public static LogCapture start(String loggerName, Level atLeast) {
    org.slf4j.Logger slf4j = LoggerFactory.getLogger(loggerName);
    if (!(slf4j instanceof Logger logback)) {
      throw new IllegalStateException(
          "LogCapture needs Logback as the SLF4J binding, found " + slf4j.getClass().getName());
    }
    return new LogCapture(logback, atLeast);
  }

  /** Every captured line, oldest first. */
  public List<String> lines() {
    return appender.snapshot(0);
  }

  /** A position to pass to {@link #linesSince} so a test sees only what it caused. */
  public long mark() {
    return appender.total();
  }

  /** Lines captured after {@code mark} (as returned by {@link #mark()}). */
  public List<String> linesSince(long mark) {
    return appender.snapshot(mark);
  }

  /** Whether any captured line contains {@code text}. */
  public boolean contains(String text) {
    return lines().stream().anyMatch(line -> line.contains(text));
  }

  /** Waits for a line (captured at any time) matching {@code test}. */
  public Optional<String> await(Predicate<String> test, Duration timeout) {
    return appender.await(0, test, timeout);
  }

  /** Waits for a line captured after {@code mark} matching {@code test}. */
  public Optional<String> awaitSince(long mark, Predicate<String> test, Duration timeout) {
    return appender.await(mark, test, timeout);
  }

  /**
   * Waits for a line containing every one of {@code texts} (case-insensitive), captured after
   * {@code mark}, and returns it.
   *
   * @throws AssertionError listing the lines captured since {@code mark} if none appears
   */
  public String assertLogged(long mark, Duration timeout, String... texts) {
    Optional<String> line =
        awaitSince(
            mark,
            l -> {
              String lower = l.toLowerCase(java.util.Locale.ROOT);
              for (String text : texts) {
                if (!lower.contains(text.toLowerCase(java.util.Locale.ROOT))) {
                  return false;
                }
              }
              return true;
            },
            timeout);
    if (line.isEmpty()) {
      throw new AssertionError(
          "no log line containing all of "
              + List.of(texts)
              + " within "
              + timeout
              + "; lines since mark:\n  "
              + String.join("\n  ", linesSince(mark)));
    }
    return line.get();
  }

  /** Forgets every captured line. */
  public void clear() {
    appender.clear();
  }

  /** Detaches from the logger and restores its level. */
  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(previousLevel);
  }

  static String format(ILoggingEvent event) {
    StringBuilder line = new StringBuilder();
    line.append(event.getLevel())
        .append(' ')
        .append(event.getLoggerName())
        .append(" - ")
        .append(event.getFormattedMessage());
    IThrowableProxy cause = event.getThrowableProxy();
    for (int depth = 0; cause != null && depth < 8; depth++) {
      line.append(" | ").append(cause.getClassName()).append(": ").append(cause.getMessage());
      cause = cause.getCause();
    }
    return line.toString();
  }

  private static final class CapturingAppender extends AppenderBase<ILoggingEvent> {
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long total;

    @Override
    protected void append(ILoggingEvent event) {
      String line = format(event);
      synchronized (lines) {
        if (lines.size() == MAX_LINES) {
          lines.removeFirst();
        }
        lines.addLast(line);
        total++;
        lines.notifyAll();
      }
    }

    long total() {
      synchronized (lines) {
        return total;
      }
    }

    List<String> snapshot(long mark) {
      synchronized (lines) {
        long first = total - lines.size();
        List<String> out = new ArrayList<>();
        long index = first;
        for (String line : lines) {
          if (index++ >= mark) {
            out.add(line);
          }
        }
        return out;
      }
    }

    Optional<String> await(long mark, Predicate<String> test, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (lines) {
        long checked = mark;
        while (true) {
          long first = total - lines.size();
          long index = first;
          for (String line : lines) {
            if (index >= Math.max(checked, first) && test.test(line)) {
              return Optional.of(line);
            }
            index++;
          }
          checked = total;
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            return Optional.empty();
          }
          try {
            lines.wait(Math.max(1, remaining / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
          }
        }
      }
    }

    void clear() {
      synchronized (lines) {
        lines.clear();
      }
    }
  }
}
