package dev.mqttls.client.internal.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.ServerAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Brokers are tried in order on connect, each once, and round robin on reconnect. */
class ServerRotationTest {
  private static final ServerAddress A = new ServerAddress("a", 1);
  private static final ServerAddress B = new ServerAddress("b", 2);
  private static final ServerAddress C = new ServerAddress("c", 3);

  @Test
  void connect_triesEachInOrder_once() {
    ServerRotation r = new ServerRotation(List.of(A, B, C));
    r.startConnect();
    assertThat(r.current()).isEqualTo(A);
    assertThat(r.nextUntried()).isTrue();
    assertThat(r.current()).isEqualTo(B);
    assertThat(r.nextUntried()).isTrue();
    assertThat(r.current()).isEqualTo(C);
    assertThat(r.nextUntried()).isFalse();
  }

  @Test
  void reconnect_goesRoundRobin_fromTheOneLastUsed() {
    ServerRotation r = new ServerRotation(List.of(A, B, C));
    r.startConnect();
    r.nextUntried(); // connected to B
    r.advance();
    assertThat(r.current()).isEqualTo(C);
    r.advance();
    assertThat(r.current()).isEqualTo(A);
    r.startConnect();
    assertThat(r.current()).isEqualTo(A);
  }

  @Test
  void oneServer_staysTheSame() {
    ServerRotation r = new ServerRotation(List.of(A));
    r.startConnect();
    assertThat(r.nextUntried()).isFalse();
    r.advance();
    assertThat(r.current()).isEqualTo(A);
  }
}
