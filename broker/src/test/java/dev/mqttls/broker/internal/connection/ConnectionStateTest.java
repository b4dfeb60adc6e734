package dev.mqttls.broker.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ConnectionStateTest {
  @Test
  void aSocketError_isLoggedInTheSystemsWords_withoutNettysNativeCall() {
    assertThat(ConnectionState.describe(new IOException("writevAddresses(..) failed: Broken pipe")))
        .isEqualTo("Broken pipe");
    assertThat(ConnectionState.describe(new IOException("Connection reset by peer")))
        .isEqualTo("Connection reset by peer");
    assertThat(ConnectionState.describe(new IOException())).isEqualTo("IOException");
  }
}
