package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flags that need the client library's transport options: {@code --unix}, {@code --proxy},
 * {@code -V mqttv31} and {@code -d}, through the real command against Mosquitto.
 */
class TransportFlagsTest extends AgainstMosquitto {

  @Test
  void unix_publishesThroughMosquittosUnixSocket(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("mosquitto.sock");
    MosquittoProcess m = mosquitto(MosquittoProcess.builder().line("listener 0 " + socket));
    MosquittoClients.Running peer =
        MosquittoClients.start("mosquitto_sub", "--unix", socket, "-t", "u/#", "-v", "-C", "1");
    toClose.add(peer);
    m.awaitLog("Sending SUBACK", WAIT);
    CliRun.Result r = CliRun.run("pub", "--unix", socket.toString(), "-t", "u/1", "-m", "via unix");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(peer.awaitExit(WAIT).stdoutLines()).containsExactly("u/1 via unix");
    CliRun.Result both =
        CliRun.run("pub", "--unix", socket.toString(), "-h", "localhost", "-t", "u", "-m", "x");
    assertThat(both.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("--unix replaces -h, -p and -L");
  }

  @Test
  void proxy_theConnectionGoesToTheProxy_notToTheBroker() {
    MosquittoProcess m = plain();
    int noProxy = Ports.freePort();
    // the broker is up; only a proxy that is not there can make this fail
    CliRun.Result r =
        CliRun.run(at(m, "pub", "--proxy", "socks5h://127.0.0.1:" + noProxy, "-t", "p", "-m", "x"));
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.err()).contains("127.0.0.1:" + noProxy).doesNotContain("Exception");
    assertThat(CliRun.run(at(m, "pub", "-t", "p", "-m", "x")).exit()).isZero();
    CliRun.Result bad =
        CliRun.run(at(m, "pub", "--proxy", "http://proxy:3128", "-t", "p", "-m", "x"));
    assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--proxy must be socks5h://");
  }

  @Test
  void localAddress_isWhereMosquittoSeesTheClientComeFrom() {
    MosquittoProcess m = plain();
    CliRun.Result r =
        CliRun.run(at(m, "pub", "-A", "127.0.0.2", "-i", "from-two", "-t", "a", "-m", "x"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(
            m.awaitLog(
                l -> l.contains("connected from 127.0.0.2:") && l.contains(" as from-two "), WAIT))
        .as("mosquitto's log of the connection")
        .isPresent();
    // 192.0.2.1 is TEST-NET-1 (RFC 5737), never this machine's: the bind fails before any packet
    CliRun.Result notOurs = CliRun.run(at(m, "pub", "-A", "192.0.2.1", "-t", "a", "-m", "x"));
    assertThat(notOurs.exit()).as(notOurs.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(notOurs.err())
        .contains("from the local address given: cannot assign requested address")
        .doesNotContain("Exception");
    CliRun.Result unix =
        CliRun.run("pub", "--unix", "/tmp/none.sock", "-A", "127.0.0.2", "-t", "a", "-m", "x");
    assertThat(unix.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(unix.err()).contains("-A (local address) and --unix do not go together");
  }

  @Test
  void mqtt31_isWhatMosquittoSees() {
    MosquittoProcess m = plain();
    CliRun.Result r =
        CliRun.run(at(m, "pub", "-V", "mqttv31", "-i", "old-device", "-t", "v", "-m", "x"));
    assertThat(r.exit()).as(r.toString()).isZero();
    // mosquitto's p1 is MQTT 3.1 (p2 3.1.1, p5 5.0)
    assertThat(m.awaitLog(l -> l.contains(" as old-device (p1"), WAIT)).isPresent();
    CliRun.Result noId = CliRun.run(at(m, "pub", "-V", "31", "-t", "v", "-m", "x"));
    assertThat(noId.exit()).as(noId.toString()).isZero();
  }

  @Test
  void debug_tracesEachPacketAsMosquittoPubDoes_onStderr() {
    MosquittoProcess m = plain();
    CliRun.Result ours =
        CliRun.run(at(m, "pub", "-d", "-i", "tracer", "-q", "2", "-t", "a/b", "-m", "hello"));
    assertThat(ours.exit()).as(ours.toString()).isZero();
    assertThat(ours.out()).isEmpty();
    MosquittoClients.Result theirs =
        MosquittoClients.run(
            WAIT,
            "mosquitto_pub",
            "-h",
            "127.0.0.1",
            "-p",
            m.port(),
            "-V",
            "5",
            "-d",
            "-i",
            "tracer",
            "-q",
            "2",
            "-t",
            "a/b",
            "-m",
            "hello");
    List<String> expected = theirs.stdoutLines();
    assertThat(ours.err().lines().toList()).containsExactlyElementsOf(expected);
    assertThat(ours.err())
        .contains("Client tracer sending PUBLISH (d0, q2, r0, m1, 'a/b', ... (5 bytes))");
  }
}
