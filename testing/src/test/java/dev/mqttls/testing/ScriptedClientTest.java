package dev.mqttls.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ScriptedClientTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void recordsFramedPacketsAndTheServersClose() throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(Ports.loopback(), 0));
      CompletableFuture<byte[]> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = server.accept()) {
                  InputStream in = s.getInputStream();
                  byte[] first = in.readNBytes(4);
                  OutputStream out = s.getOutputStream();
                  // CONNACK (split across two writes), then a v5 DISCONNECT 0x81, then close.
                  out.write(Hex.decode("20 03 00"));
                  out.flush();
                  out.write(Hex.decode("00 00  e0 01 81"));
                  out.flush();
                  return first;
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      try (ScriptedClient client = ScriptedClient.connect(server.getLocalPort())) {
        client.sendHex("c0 00 | e0 00");
        RawPacket connack = client.awaitPacket(WAIT);
        assertThat(connack.type()).isEqualTo(RawPacket.CONNACK);
        assertThat(connack.reasonCode()).isZero();
        RawPacket disconnect = client.awaitPacket(WAIT);
        assertThat(disconnect.typeName()).isEqualTo("DISCONNECT");
        assertThat(disconnect.reasonCode()).isEqualTo(0x81);
        assertThat(client.awaitClose(WAIT)).isTrue();
        assertThat(client.received()).isEqualTo(Hex.decode("20 03 00 00 00 e0 01 81"));
        assertThat(client.pollPacket(Duration.ofMillis(50))).isNull();
      }
      assertThat(seen.get()).isEqualTo(Hex.decode("c0 00 e0 00"));
    }
  }

  @Test
  void awaitBytesFailsNamingWhatArrived() throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(Ports.loopback(), 0));
      try (ScriptedClient client = ScriptedClient.connect(server.getLocalPort());
          Socket accepted = server.accept()) {
        accepted.getOutputStream().write(new byte[] {0x20});
        assertThatThrownBy(() -> client.awaitBytes(2, Duration.ofMillis(300)))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("1 bytes [20]")
            .hasMessageContaining("still open");
        assertThat(client.awaitClose(Duration.ofMillis(50))).isFalse();
      }
    }
  }

  @Test
  void builtPacketsMatchTheSpecExamples() {
    // MQTT 3.1.1 §3.1: CONNECT, protocol name "MQTT", level 4, clean session, keep-alive 60, id
    // "a".
    assertThat(MqttBytes.connectV311("a", 60, true))
        .isEqualTo(Hex.decode("10 0d | 00 04 4d 51 54 54 | 04 | 02 | 00 3c | 00 01 61"));
    assertThat(MqttBytes.connectV5("a", 10, false))
        .isEqualTo(Hex.decode("10 0e | 00 04 4d 51 54 54 | 05 | 00 | 00 0a | 00 | 00 01 61"));
    assertThat(MqttBytes.subscribe(5, 1, "a/#", 1))
        .isEqualTo(Hex.decode("82 09 | 00 01 | 00 | 00 03 61 2f 23 | 01"));
    assertThat(MqttBytes.publish(4, "t", 1, true, 7, new byte[] {'x'}))
        .isEqualTo(Hex.decode("33 06 | 00 01 74 | 00 07 | 78"));
    assertThat(MqttBytes.varInt(268_435_455)).isEqualTo(Hex.decode("ff ff ff 7f"));
    assertThat(MqttBytes.varInt(128)).isEqualTo(Hex.decode("80 01"));
  }
}
