package dev.mqttls.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

/** Exception messages reach users without Java class names or native call names. */
class WordsTest {

  @Test
  void classNamesAndNativeCallNames_areDropped() {
    assertThat(
            Words.of(
                new IOException(
                    "java.nio.file.AccessDeniedException: /etc/key.pem: permission denied")))
        .isEqualTo("/etc/key.pem: permission denied");
    assertThat(Words.of(new IOException("bind(..) failed: Address already in use")))
        .isEqualTo("Address already in use");
    assertThat(
            Words.of(
                new IOException(
                    "io.netty.channel.AbstractChannel$AnnotatedConnectException: connect(..)"
                        + " failed: Connection refused: /127.0.0.1:1")))
        .isEqualTo("Connection refused: /127.0.0.1:1");
  }

  @Test
  void noMessage_usesTheCause_orSaysSo() {
    assertThat(Words.of(new IllegalStateException(new AccessDeniedException("/k.pem"))))
        .isEqualTo("/k.pem");
    assertThat(Words.of(new IllegalStateException())).isEqualTo("an unexpected error");
  }
}
