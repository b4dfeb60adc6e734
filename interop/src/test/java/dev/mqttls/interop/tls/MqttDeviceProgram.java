package dev.mqttls.interop.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The C device client (src/test/c/mqtt_device.c) built against Debian's mbedTLS 2.28 with a CA
 * compiled in, and a way to run it: shared by the certificate and the PSK device tests.
 */
public final class MqttDeviceProgram {
  private static final Path SOURCE = Path.of("src/test/c/mqtt_device.c");

  /** What one run printed and its exit code. */
  public record Run(int exit, String output) {}

  private MqttDeviceProgram() {}

  /** Whether Debian's mbedTLS headers are installed. */
  public static boolean buildable() {
    return Files.exists(Path.of("/usr/include/mbedtls/ssl.h"));
  }

  /** Builds the client in {@code dir} with {@code caFile} as its compiled-in CA; returns it. */
  public static Path build(Path dir, Path caFile) throws Exception {
    // The CA as firmware embeds it: a C string whose length counts the terminating NUL.
    String pem = Files.readString(caFile, StandardCharsets.US_ASCII);
    StringBuilder h = new StringBuilder("static const char mqttls_ca_pem[] =\n");
    for (String line : pem.split("\n")) {
      h.append("  \"").append(line).append("\\n\"\n");
    }
    h.append(";\nstatic const size_t mqttls_ca_pem_len = sizeof(mqttls_ca_pem);\n");
    Files.writeString(dir.resolve("ca_cert.h"), h.toString());
    Path device = dir.resolve("mqtt_device");
    Run cc =
        exec(
            List.of(
                "cc",
                "-O1",
                "-Wall",
                "-I",
                dir.toString(),
                "-o",
                device.toString(),
                SOURCE.toAbsolutePath().toString(),
                "-lmbedtls",
                "-lmbedx509",
                "-lmbedcrypto"),
            Map.of(),
            60);
    assertThat(cc.exit()).as(cc.output()).isZero();
    return device;
  }

  /** Runs {@code cmd} with {@code env} added, bounded by {@code seconds}; stops it if late. */
  public static Run exec(List<String> cmd, Map<String, String> env, int seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      p.getOutputStream().close();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError(cmd.get(0) + " did not finish within " + seconds + " s");
      }
      return new Run(
          p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
