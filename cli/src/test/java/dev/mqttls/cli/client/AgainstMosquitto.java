package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.certs.OpenSslPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command tests against Debian's Mosquitto share: brokers started per test and stopped
 * after it, mosquitto_pub/sub as the other side, and {@code mqttls} commands run in-process.
 */
abstract class AgainstMosquitto {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path pkiDir;
  static OpenSslPki pki;

  final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void makePki() {
    pki = new OpenSslPki(pkiDir);
  }

  @AfterEach
  void cleanUp() throws Exception {
    ClientSetup.environment = System::getenv;
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  MosquittoProcess mosquitto(MosquittoProcess.Builder b) {
    MosquittoProcess m = b.line("log_type all").start();
    toClose.add(m);
    return m;
  }

  MosquittoProcess plain() {
    return mosquitto(MosquittoProcess.builder());
  }

  MosquittoProcess tls(Path cert, Path key) {
    return mosquitto(
        MosquittoProcess.builder().listenerLine("certfile " + cert).listenerLine("keyfile " + key));
  }

  /** A mosquitto_sub that has subscribed (its SUBACK is in the broker's log). */
  MosquittoClients.Running peerSub(MosquittoProcess m, String id, Object... args) {
    List<Object> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", m.port(), "-i", id));
    all.addAll(List.of(args));
    MosquittoClients.Running r = MosquittoClients.start("mosquitto_sub", all.toArray());
    toClose.add(r);
    assertThat(m.awaitLog("Sending SUBACK to " + id, WAIT))
        .as("mosquitto_sub subscribed")
        .isPresent();
    return r;
  }

  static void peerPub(MosquittoProcess m, Object... args) {
    List<Object> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", m.port()));
    all.addAll(List.of(args));
    MosquittoClients.Result r = MosquittoClients.run(WAIT, "mosquitto_pub", all.toArray());
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  /** Runs {@code mqttls sub} in the background, returning once it has subscribed. */
  CompletableFuture<CliRun.Result> sub(MosquittoProcess m, String id, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("sub", "-h", "127.0.0.1", "-p", Integer.toString(m.port()), "-i", id));
    all.addAll(List.of(args));
    CompletableFuture<CliRun.Result> f =
        CompletableFuture.supplyAsync(() -> CliRun.run(all.toArray(new String[0])));
    assertThat(m.awaitLog("Sending SUBACK to " + id, WAIT)).as("mqttls sub subscribed").isPresent();
    return f;
  }

  static CliRun.Result done(CompletableFuture<CliRun.Result> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  static String[] at(MosquittoProcess m, String... args) {
    List<String> all = new ArrayList<>();
    all.add(args[0]);
    all.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(m.port())));
    all.addAll(List.of(args).subList(1, args.length));
    return all.toArray(new String[0]);
  }
}
