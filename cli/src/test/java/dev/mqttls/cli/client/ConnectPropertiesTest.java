package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.MosquittoProcess;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@code -D connect|will NAME VALUE} as mosquitto_pub/sub take them, against Mosquitto. */
class ConnectPropertiesTest extends AgainstMosquitto {

  @Test
  void maximumPacketSize_mosquittoKeepsLargerMessagesFromUs() throws Exception {
    MosquittoProcess m = plain();
    CompletableFuture<CliRun.Result> ours =
        sub(m, "small-only", "-t", "m/#", "-C", "1", "-D", "connect", "maximum-packet-size", "100");
    peerPub(m, "-t", "m/big", "-m", "x".repeat(300));
    peerPub(m, "-t", "m/small", "-m", "fits");
    CliRun.Result r = done(ours);
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("fits\n");
  }

  @Test
  void clientProperties_areAccepted_andWhatIsNotSupportedSaysWhy() {
    MosquittoProcess m = plain();
    CliRun.Result ok =
        CliRun.run(
            at(
                m,
                "pub",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "connect",
                "receive-maximum",
                "5",
                "-D",
                "connect",
                "request-problem-information",
                "0",
                "-D",
                "connect",
                "request-response-information",
                "1",
                "-D",
                "connect",
                "topic-alias-maximum",
                "0",
                "--will-topic",
                "w",
                "-D",
                "will",
                "will-delay-interval",
                "30"));
    assertThat(ok.exit()).as(ok.toString()).isZero();
    CliRun.Result zero =
        CliRun.run("pub", "-t", "a", "-m", "x", "-D", "connect", "receive-maximum", "0");
    assertThat(zero.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(zero.err()).contains("-D connect receive-maximum must be a number 1..65535, was 0");
    CliRun.Result auth =
        CliRun.run("pub", "-t", "a", "-m", "x", "-D", "connect", "authentication-method", "SCRAM");
    assertThat(auth.err()).contains("enhanced authentication (the AUTH exchange) is not supported");
    CliRun.Result sub = CliRun.run("sub", "-t", "a", "-D", "subscribe", "user-property", "k", "v");
    assertThat(sub.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(sub.err()).contains("-D subscribe: mqttls does not send SUBSCRIBE properties yet");
  }
}
