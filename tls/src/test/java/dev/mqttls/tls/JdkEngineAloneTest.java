package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code tls_engine jdk} in a JVM where nothing else loaded netty-tcnative: the handler must not
 * touch OpenSSL classes (their initialisation throws without the native library). Runs in a child
 * JVM because this test JVM has long loaded OpenSSL.
 */
class JdkEngineAloneTest {
  /** Child JVM entry: one mutual handshake on the JDK engine, exit 0 on success. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("mqttls-jdk-alone");
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "dev-j");
    try (TlsTestServer server =
        new TlsTestServer(
            ServerTls.open(f.mutual().directive("tls_engine", List.of("jdk")).build(), "8883"))) {
      Exception e = TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port());
      if (e != null) {
        e.printStackTrace();
        System.exit(1);
      }
      TlsSessionEstablished ev = server.next(TlsSessionEstablished.class);
      System.exit(ev.engine() == TlsEngine.JDK ? 0 : 2);
    }
  }

  @Test
  void jdkEngine_withoutOpenSslLoaded_handshakes() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                JdkEngineAloneTest.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      p.getOutputStream().close();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isZero();
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
