package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import org.junit.jupiter.api.Test;

/** {@code -L} given more than once: failover brokers, through the real command and Mosquitto. */
class FailoverUrlTest extends AgainstMosquitto {

  @Test
  void firstBrokerDown_thePublishReachesTheSecond() {
    MosquittoProcess second = plain();
    MosquittoClients.Running peer = peerSub(second, "watcher", "-t", "f/#", "-v", "-C", "1");
    int down = Ports.freePort();
    CliRun.Result r =
        CliRun.run(
            "pub",
            "-L",
            "mqtt://127.0.0.1:" + down + "/f/1",
            "-L",
            "mqtt://127.0.0.1:" + second.port(),
            "-m",
            "via the second");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(peer.awaitExit(WAIT).stdoutLines()).containsExactly("f/1 via the second");
  }

  @Test
  void failoverUrls_keepTheFirstsSchemeAndLogin() {
    CliRun.Result scheme =
        CliRun.run(
            "pub", "-L", "mqtt://127.0.0.1:1", "-L", "mqtts://127.0.0.2:2", "-t", "t", "-m", "x");
    assertThat(scheme.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(scheme.err()).contains("127.0.0.2: every failover URL needs the first one's scheme");
    CliRun.Result user =
        CliRun.run(
            "pub",
            "-L",
            "mqtt://alice@127.0.0.1:1",
            "-L",
            "mqtt://bob@127.0.0.2:2",
            "-t",
            "t",
            "-m",
            "x");
    assertThat(user.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(user.err()).contains("a failover URL cannot change the user, password or topic");
  }

  @Test
  void shellConnect_takesTheFailoverUrlsOfItsLine() {
    MosquittoProcess second = plain();
    MosquittoClients.Running peer = peerSub(second, "watcher2", "-t", "s/#", "-v", "-C", "1");
    int down = Ports.freePort();
    CliRun.Result r =
        CliRun.withStdin(
            "connect mqtt://127.0.0.1:"
                + down
                + " --url mqtt://127.0.0.1:"
                + second.port()
                + "\npub s/1 from-shell\ndisconnect\n",
            "shell");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(peer.awaitExit(WAIT).stdoutLines()).containsExactly("s/1 from-shell");
  }
}
