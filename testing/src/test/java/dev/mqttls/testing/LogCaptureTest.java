package dev.mqttls.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogCaptureTest {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.testing.sample");

  @Test
  void capturesLinesWithCausesAndMarks() throws Exception {
    try (LogCapture capture = LogCapture.start()) {
      LOG.info("before");
      long mark = capture.mark();
      Thread other =
          new Thread(
              () ->
                  LOG.warn(
                      "client {} from {}: {}",
                      "c1",
                      "127.0.0.1:5",
                      "malformed packet",
                      new IllegalStateException("remaining length over 4 bytes")));
      other.start();
      String line =
          capture.assertLogged(mark, Duration.ofSeconds(5), "c1", "MALFORMED", "over 4 bytes");
      other.join(5_000);
      assertThat(line)
          .startsWith("WARN dev.mqttls.testing.sample - client c1 from 127.0.0.1:5")
          .contains("| java.lang.IllegalStateException: remaining length over 4 bytes");
      assertThat(capture.linesSince(mark)).hasSize(1);
      assertThat(capture.lines()).hasSize(2);
      assertThatThrownBy(() -> capture.assertLogged(mark, Duration.ofMillis(50), "before"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("client c1");
    }
    LOG.info("after close");
  }
}
