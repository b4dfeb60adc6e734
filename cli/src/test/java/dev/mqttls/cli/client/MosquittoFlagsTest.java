package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mosquitto_pub/sub flags, each through the real command against Debian's Mosquitto, and where
 * possible compared with what mosquitto_sub itself prints for the same message.
 */
class MosquittoFlagsTest extends AgainstMosquitto {

  /** The time stamps of %j differ between two subscribers; everything else must not. */
  private static String withoutTimes(String s) {
    return s.replaceAll("\"tst\":\\s*\"[^\"]*\"", "\"tst\":T");
  }

  private static final String FORMAT =
      "%t|%p|%q|%r|%l|%x|%X|%C|%P|%R|%E|%F|%D|%S|%%|%10t|%-10t|%3.3t|%05l|%-5l|%8p|%-8x"
          + "|@Y-@m-@d|\\t|%j|%J";

  @Test
  void format_printsWhatMosquittoSubPrints_forTheSameMessages() throws Exception {
    MosquittoProcess m = plain();
    MosquittoClients.Running theirs =
        peerSub(m, "their-f", "-V", "5", "-t", "f/#", "-C", "3", "-F", FORMAT);
    CompletableFuture<CliRun.Result> ours = sub(m, "our-f", "-t", "f/#", "-C", "3", "-F", FORMAT);
    peerPub(
        m,
        "-V",
        "5",
        "-t",
        "f/a",
        "-m",
        "{\"a\": [1, 2.50, \"x\"], \"b\":null}",
        "-D",
        "publish",
        "content-type",
        "ct",
        "-D",
        "publish",
        "user-property",
        "k",
        "v",
        "-D",
        "publish",
        "user-property",
        "k2",
        "v2",
        "-D",
        "publish",
        "response-topic",
        "rt",
        "-D",
        "publish",
        "correlation-data",
        "cd");
    peerPub(m, "-t", "f/b", "-m", "hé\"x");
    peerPub(
        m,
        "-V",
        "5",
        "-t",
        "f/c",
        "-m",
        "hi",
        "-D",
        "publish",
        "message-expiry-interval",
        "100",
        "-D",
        "publish",
        "payload-format-indicator",
        "1");
    MosquittoClients.Result expected = theirs.awaitExit(WAIT);
    CliRun.Result got = done(ours);
    assertThat(got.exit()).as(got.toString()).isZero();
    assertThat(withoutTimes(got.out()).lines().toList())
        .containsExactlyElementsOf(withoutTimes(expected.stdout()).lines().toList())
        .hasSize(3);
    // %J of a payload that is not JSON: mosquitto's words on stderr, the rest of the line printed
    assertThat(got.err())
        .contains("Error: Message payload is not valid JSON on topic f/b.")
        .contains("Error: Message payload is not valid JSON on topic f/c.");
    assertThat(got.out()).contains("f/a|{\"a\": [1, 2.50, \"x\"], \"b\":null}|0|0|31|");
  }

  @Test
  void format_prettyJson_andNoNewline_asMosquittoSub() throws Exception {
    MosquittoProcess m = plain();
    MosquittoClients.Running theirs =
        peerSub(m, "their-p", "-t", "p/#", "-C", "2", "-F", "%j", "--pretty", "-N");
    CompletableFuture<CliRun.Result> ours =
        sub(m, "our-p", "-t", "p/#", "-C", "2", "-F", "%j", "--pretty", "-N");
    peerPub(m, "-t", "p/1", "-m", "one", "-q", "1");
    peerPub(m, "-t", "p/2", "-m", "tab\there");
    String expected = theirs.awaitExit(WAIT).stdout();
    CliRun.Result got = done(ours);
    // -N: no end of line after either message (the peer's output arrives without its last one)
    assertThat(withoutTimes(got.out())).isEqualTo(withoutTimes(expected).stripTrailing());
    assertThat(got.out()).contains("\n\t\"topic\":\t\"p/1\",\n");
  }

  @Test
  void verbose_andPlain_printEmptyPayloadsAsMosquittoSub() throws Exception {
    MosquittoProcess m = plain();
    MosquittoClients.Running theirV = peerSub(m, "their-v", "-t", "e/#", "-C", "2", "-v");
    MosquittoClients.Running theirP = peerSub(m, "their-pl", "-t", "e/#", "-C", "2");
    CompletableFuture<CliRun.Result> ourV = sub(m, "our-v", "-t", "e/#", "-C", "2", "-v");
    peerPub(m, "-t", "e/1", "-n");
    peerPub(m, "-t", "e/2", "-m", "x");
    assertThat(done(ourV).out()).isEqualTo("e/1 (null)\ne/2 x\n");
    assertThat(theirV.awaitExit(WAIT).stdoutLines()).containsExactly("e/1 (null)", "e/2 x");
    // without -v mosquitto_sub prints nothing at all for an empty payload
    assertThat(theirP.awaitExit(WAIT).stdoutLines()).containsExactly("x");
    CompletableFuture<CliRun.Result> ourP = sub(m, "our-pl", "-t", "e/#", "-C", "2");
    peerPub(m, "-t", "e/1", "-n");
    peerPub(m, "-t", "e/2", "-m", "x");
    assertThat(done(ourP).out()).isEqualTo("x\n");
  }

  @Test
  void filterOut_hidesMatchingTopics_andTheyDoNotCount() throws Exception {
    MosquittoProcess m = plain();
    CompletableFuture<CliRun.Result> f =
        sub(m, "our-T", "-t", "bbc/#", "-T", "bbc/radio3", "-T", "bbc/tv/+", "-C", "2", "-v");
    peerPub(m, "-t", "bbc/radio3", "-m", "hidden");
    peerPub(m, "-t", "bbc/tv/1", "-m", "hidden");
    peerPub(m, "-t", "bbc/radio4", "-m", "shown");
    peerPub(m, "-t", "bbc/news", "-m", "shown too");
    assertThat(done(f).out()).isEqualTo("bbc/radio4 shown\nbbc/news shown too\n");
  }

  @Test
  void exitAfterSubscribe_thenUnsubscribe_leaveThePersistentSessionAsAsked() throws Exception {
    MosquittoProcess m = plain();
    CliRun.Result setUp =
        CliRun.run(at(m, "sub", "-i", "durable", "-c", "-q", "1", "-t", "a/#", "-t", "b/#", "-E"));
    assertThat(setUp.exit()).as(setUp.toString()).isZero();
    CliRun.Result unsub = CliRun.run(at(m, "sub", "-i", "durable", "-c", "-U", "b/#", "-E"));
    assertThat(unsub.exit()).as(unsub.toString()).isZero();
    assertThat(m.awaitLog(l -> l.contains("Received UNSUBSCRIBE from durable"), WAIT)).isPresent();
    peerPub(m, "-t", "a/1", "-m", "kept", "-q", "1");
    peerPub(m, "-t", "b/1", "-m", "dropped", "-q", "1");
    CliRun.Result r =
        CliRun.run(at(m, "sub", "-i", "durable", "-c", "-t", "a/#", "-q", "1", "-C", "1", "-v"));
    assertThat(r.out()).isEqualTo("a/1 kept\n");
  }

  @Test
  void retainedOnly_printsStaleMessagesAndStopsAtTheFirstFresh_andRemoveRetainedClearsThem()
      throws Exception {
    MosquittoProcess m = plain();
    peerPub(m, "-t", "r/1", "-m", "old one", "-r");
    peerPub(m, "-t", "r/2", "-m", "old two", "-r");
    CompletableFuture<CliRun.Result> f =
        sub(m, "our-ro", "-t", "r/#", "--retained-only", "--remove-retained", "-v");
    peerPub(m, "-t", "r/fresh", "-m", "new");
    CliRun.Result r = done(f);
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out().lines().sorted().toList()).containsExactly("r/1 old one", "r/2 old two");
    // the retained messages are gone: a new subscriber times out with nothing
    MosquittoClients.Result after =
        MosquittoClients.run(
            WAIT, "mosquitto_sub", "-h", "127.0.0.1", "-p", m.port(), "-t", "r/#", "-W", "1");
    assertThat(after.stdout()).isEmpty();
  }

  @Test
  void will_isPublishedWhenTheConnectionEndsWithoutDisconnect() throws Exception {
    MosquittoProcess m = plain();
    MosquittoClients.Running watcher =
        peerSub(
            m, "will-watch", "-V", "5", "-q", "1", "-t", "w/#", "-C", "1", "-F", "%t %p %q %r %C");
    CompletableFuture<CliRun.Result> willer =
        sub(
            m,
            "willer",
            "-t",
            "nothing",
            "--will-topic",
            "w/gone",
            "--will-payload",
            "bye",
            "--will-qos",
            "1",
            "--will-retain",
            "-D",
            "will",
            "content-type",
            "text/plain");
    // a second client with the same id takes the session over: the first one's will goes out
    peerPub(m, "-i", "willer", "-t", "x", "-m", "takeover");
    assertThat(watcher.awaitExit(WAIT).stdoutLines()).containsExactly("w/gone bye 1 0 text/plain");
    CliRun.Result r = done(willer);
    assertThat(r.exit()).as(r.toString()).isNotZero();
    CliRun.Result noTopic = CliRun.run(at(m, "pub", "-t", "t", "-m", "x", "--will-payload", "p"));
    assertThat(noTopic.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(noTopic.err()).contains("need --will-topic");
  }

  @Test
  void optionsFile_holdsDefaults_thatTheCommandLineOverrides(@TempDir Path tmp) throws Exception {
    MosquittoProcess m = plain();
    MosquittoClients.Running peer = peerSub(m, "opt-watch", "-t", "opt/#", "-v", "-C", "2");
    Path file = tmp.resolve("pub.conf");
    Files.writeString(
        file,
        "# as mosquitto_pub's config file\n"
            + "-h 127.0.0.1\n"
            + "-p "
            + m.port()
            + "\n"
            + "-t opt/a\n"
            + "-m \"from the file\"\n"
            + "-q 1\n");
    assertThat(CliRun.run("pub", "-o", file.toString()).exit()).isZero();
    assertThat(CliRun.run("pub", "-o", file.toString(), "-m", "overridden").exit()).isZero();
    assertThat(peer.awaitExit(WAIT).stdoutLines())
        .containsExactly("opt/a from the file", "opt/a overridden");
    Files.writeString(file, "--no-such-option 1\n");
    CliRun.Result bad = CliRun.run("pub", "-o", file.toString());
    assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err())
        .isEqualTo(
            "mqttls pub: "
                + file
                + ":1: unknown option '--no-such-option' (see 'mqttls pub --help')\n");
  }

  @Test
  void idPrefix_maxInflight_keepalive_andSessionExpiryMinusOne() {
    MosquittoProcess m = plain();
    CliRun.Result r =
        CliRun.run(
            at(
                m,
                "pub",
                "-I",
                "pfx-",
                "-M",
                "1",
                "-q",
                "1",
                "--repeat",
                "3",
                "-t",
                "i",
                "-m",
                "x"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(m.awaitLog(l -> l.matches(".* as pfx-[0-9]+ \\(p5, c1, k60\\)\\.$"), WAIT))
        .isPresent();
    CliRun.Result both = CliRun.run(at(m, "pub", "-I", "p", "-i", "x", "-t", "i", "-m", "x"));
    assertThat(both.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("either -i or -I");
    CliRun.Result forever = CliRun.run(at(m, "sub", "-i", "keeper", "-x", "-1", "-t", "k", "-E"));
    assertThat(forever.exit()).as(forever.toString()).isZero();
    assertThat(m.awaitLog(l -> l.contains(" as keeper (p5, c1, k60)"), WAIT)).isPresent();
  }

  @Test
  void urlWithPassword_connects_andWarnsOnceThatItIsVisible() throws Exception {
    MosquittoProcess.Builder b = MosquittoProcess.builder().allowAnonymous(false);
    Path pw = b.file("passwd", "");
    assertThat(MosquittoClients.run(WAIT, "mosquitto_passwd", "-b", pw, "ann", "s3cret").exitCode())
        .isZero();
    MosquittoProcess m = mosquitto(b.line("password_file " + pw));
    ClientSetup.environment = java.util.Map.<String, String>of()::get;
    CliRun.Result r =
        CliRun.run("pub", "-L", "mqtt://ann:s3cret@127.0.0.1:" + m.port() + "/u/t", "-m", "x");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err().lines().filter(l -> l.contains("visible")).count()).isEqualTo(1);
    assertThat(r.err()).contains("(in the URL)").doesNotContain("s3cret");
  }

  @Test
  void repeatDelay_waitsBetweenDeliveries_andRepeatCounts() throws Exception {
    MosquittoProcess m = plain();
    MosquittoClients.Running peer = peerSub(m, "rep-watch", "-t", "rep", "-C", "3");
    CliRun.Result r =
        CliRun.run(
            at(
                m,
                "pub",
                "-t",
                "rep",
                "-m",
                "again",
                "--repeat",
                "3",
                "--repeat-delay",
                "0.05",
                "-q",
                "1"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(peer.awaitExit(WAIT).stdoutLines()).containsExactly("again", "again", "again");
    assertThat(CliRun.run(at(m, "pub", "-t", "rep", "-m", "x", "--repeat-delay", "-1")).exit())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void responseTopic_publishesTheRequestAndPrintsTheFirstResponse() throws Exception {
    MosquittoProcess m = plain();
    MqttClient responder =
        MqttClient.create(MqttClientConfig.builder("127.0.0.1").port(m.port()).build());
    toClose.add(responder);
    responder.blocking().connect();
    responder
        .blocking()
        .subscribe(
            "svc/echo",
            Qos.AT_LEAST_ONCE,
            req ->
                req.properties()
                    .responseTopic()
                    .ifPresent(
                        to ->
                            responder.publish(
                                Message.builder(to)
                                    .payload("echo: " + req.payloadAsString())
                                    .properties(MessageProperties.NONE)
                                    .build())));
    CliRun.Result r =
        CliRun.run(at(m, "pub", "-t", "svc/echo", "-e", "svc/reply/1", "-m", "ping", "-q", "1"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("echo: ping\n");
    CliRun.Result none =
        CliRun.run(at(m, "pub", "-t", "nobody/home", "-e", "svc/reply/2", "-m", "x", "-W", "1"));
    assertThat(none.exit()).isEqualTo(ExitCodes.SUB_TIMED_OUT);
    assertThat(none.err()).contains("no response on svc/reply/2 within 1 s");
  }

  @Test
  void quiet_printsNoRuntimeErrors_butStillUsageErrors() {
    int closed = Ports.freePort();
    CliRun.Result r =
        CliRun.run(
            "pub",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(closed),
            "-t",
            "t",
            "-m",
            "x",
            "--quiet");
    assertThat(r.exit()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.err()).isEmpty();
    CliRun.Result usage = CliRun.run("pub", "-t", "t", "--quiet");
    assertThat(usage.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.err()).contains("give exactly one of -m");
  }

  @Test
  void unknownOption_isOneLine_withAPointerToHelp() {
    for (String cmd : List.of("pub", "sub", "shell", "doctor")) {
      CliRun.Result r = CliRun.run(cmd, "--no-such-flag");
      assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.out()).isEmpty();
      assertThat(r.err())
          .isEqualTo(
              "mqttls "
                  + cmd
                  + ": unknown option: '--no-such-flag' (see 'mqttls "
                  + cmd
                  + " --help')\n");
    }
  }

  @Test
  void propertiesForCommandsAPubDoesNotSend_areRefused() {
    List<String> args = new ArrayList<>(List.of("pub", "-t", "t", "-m", "x"));
    args.addAll(List.of("-D", "subscribe", "user-property", "k", "v"));
    CliRun.Result r = CliRun.run(args.toArray(new String[0]));
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err())
        .contains("-D subscribe: this command takes properties for connect, publish, will");
    CliRun.Result range =
        CliRun.run("pub", "-t", "t", "-m", "x", "-D", "publish", "message-expiry-interval", "-5");
    assertThat(range.err()).contains("must be a number 0..4294967295, was -5");
  }

  @Test
  void lostConnection_isOneLine_notALogLineAndThenTheSameAgain() throws Exception {
    MosquittoProcess m = plain();
    CompletableFuture<CliRun.Result> f = sub(m, "our-lost", "-t", "x");
    m.close();
    CliRun.Result r = done(f);
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("mqttls sub: ")
        .contains("closed the connection");
  }

  @Test
  void retainAsPublished_keepsTheFlagOfALiveRetainedMessage() throws Exception {
    MosquittoProcess m = plain();
    CompletableFuture<CliRun.Result> plainSub = sub(m, "rap-0", "-t", "rap", "-C", "1", "-F", "%r");
    peerPub(m, "-t", "rap", "-m", "x", "-r");
    assertThat(done(plainSub).out()).isEqualTo("0\n");
    CompletableFuture<CliRun.Result> rap =
        sub(m, "rap-1", "-t", "rap2", "-C", "1", "-F", "%r", "--retain-as-published");
    peerPub(m, "-t", "rap2", "-m", "x", "-r");
    assertThat(done(rap).out()).isEqualTo("1\n");
    CliRun.Result v311 =
        CliRun.run(at(m, "sub", "-t", "x", "-V", "mqttv311", "--retain-as-published", "-E"));
    assertThat(v311.exit()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void randomFilter_atHundredPercentPrintsAll_andItsRangeIsChecked() throws Exception {
    MosquittoProcess m = plain();
    CompletableFuture<CliRun.Result> f =
        sub(m, "rnd", "-t", "rnd", "-C", "3", "--random-filter", "100");
    for (int i = 0; i < 3; i++) {
      peerPub(m, "-t", "rnd", "-m", "m" + i);
    }
    assertThat(done(f).out()).isEqualTo("m0\nm1\nm2\n");
    CliRun.Result bad = CliRun.run(at(m, "sub", "-t", "rnd", "--random-filter", "0"));
    assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--random-filter must be 0.1 to 100");
  }
}
