package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.CredentialType;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import dev.mqttls.testing.certs.OpenSslPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mqttls pub} and {@code mqttls sub} driven in-process through {@code Main.run}, against
 * Debian's Mosquitto with {@code mosquitto_pub}/{@code mosquitto_sub} as the other side: output
 * formats, every message source, the flags, and the exit code of each failure class.
 */
class PubSubCommandTest extends AgainstMosquitto {
  /** {@code mqttls pub -h localhost} to topic {@code k} of a TLS broker that trusts our CA. */
  private static CliRun.Result pubToLocalhost(MosquittoProcess m, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "pub",
                "-h",
                "localhost",
                "-p",
                Integer.toString(m.port()),
                "--cafile",
                pki.caCert.toString(),
                "-t",
                "k"));
    all.addAll(List.of(args));
    return CliRun.run(all.toArray(new String[0]));
  }

  // ------------------------------------------------------------------ pub

  @Test
  void pub_message_withQosAndRetain_reachesMosquittoSub() throws Exception {
    MosquittoProcess m = plain();
    CliRun.Result r = CliRun.run(at(m, "pub", "-t", "a/b", "-m", "hello world", "-q", "1", "-r"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).isEmpty();
    // retained, so a subscriber that comes later gets it
    MosquittoClients.Result got =
        MosquittoClients.run(
            WAIT,
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            m.port(),
            "-t",
            "a/b",
            "-v",
            "-C",
            "1",
            "-W",
            "5");
    assertThat(got.stdoutLines()).containsExactly("a/b hello world");
  }

  @Test
  void pub_everyMessageSource(@TempDir Path tmp) throws Exception {
    MosquittoProcess m = plain();
    MosquittoClients.Running peer = peerSub(m, "watch-src", "-t", "src/#", "-v", "-C", "8");
    Path file = tmp.resolve("payload.txt");
    Files.writeString(file, "from a file");
    assertThat(CliRun.run(at(m, "pub", "-t", "src/f", "-f", file.toString())).exit()).isZero();
    assertThat(CliRun.withStdin("whole\nstdin", at(m, "pub", "-t", "src/s", "-s")).exit()).isZero();
    assertThat(CliRun.withStdin("line one\nline two\n", at(m, "pub", "-t", "src/l", "-l")).exit())
        .isZero();
    assertThat(CliRun.run(at(m, "pub", "-t", "src/n", "-n")).exit()).isZero();
    CliRun.Result rep =
        CliRun.run(
            at(
                m,
                "pub",
                "-t",
                "src/r",
                "-m",
                "again",
                "--repeat",
                "3",
                "--repeat-delay",
                "0.02",
                "-q",
                "2"));
    assertThat(rep.exit()).as(rep.toString()).isZero();
    MosquittoClients.Result got = peer.awaitExit(WAIT);
    assertThat(got.stdoutLines())
        .containsExactly(
            "src/f from a file",
            "src/s whole",
            "stdin",
            "src/l line one",
            "src/l line two",
            "src/n (null)",
            "src/r again",
            "src/r again",
            "src/r again");
  }

  @Test
  void pub_v5Properties_andV311() throws Exception {
    MosquittoProcess m = plain();
    MosquittoClients.Running peer =
        peerSub(m, "watch-props", "-V", "5", "-t", "props/#", "-F", "%t %p %C %P", "-C", "2");
    CliRun.Result r =
        CliRun.run(
            at(
                m,
                "pub",
                "-t",
                "props/a",
                "-m",
                "x",
                "-D",
                "publish",
                "content-type",
                "text/plain",
                "-D",
                "publish",
                "user-property",
                "k",
                "v",
                "-D",
                "connect",
                "user-property",
                "c",
                "d"));
    assertThat(r.exit()).as(r.toString()).isZero();
    CliRun.Result old =
        CliRun.run(at(m, "pub", "-V", "mqttv311", "-t", "props/b", "-m", "y", "-k", "30"));
    assertThat(old.exit()).as(old.toString()).isZero();
    MosquittoClients.Result got = peer.awaitExit(WAIT);
    assertThat(got.stdoutLines()).hasSize(2);
    assertThat(got.stdoutLines().get(0))
        .startsWith("props/a x")
        .contains("text/plain")
        .contains("k:v");
    assertThat(got.stdoutLines().get(1)).startsWith("props/b y");
    // mosquitto logs the protocol (p2 is 3.1.1) and keep-alive of each connection
    assertThat(m.awaitLog(l -> l.contains(" as mqttls-") && l.contains("(p2, c1, k30"), WAIT))
        .isPresent();
  }

  // ------------------------------------------------------------------ sub

  @Test
  void sub_printsPayloads_verbose_noNewline_andCount() throws Exception {
    MosquittoProcess m = plain();
    CompletableFuture<CliRun.Result> plainSub = sub(m, "s-plain", "-t", "out/#", "-C", "2");
    peerPub(m, "-t", "out/1", "-m", "one");
    peerPub(m, "-t", "out/2", "-m", "two");
    assertThat(done(plainSub).out()).isEqualTo("one\ntwo\n");

    CompletableFuture<CliRun.Result> verbose =
        sub(m, "s-verbose", "-t", "out/#", "-v", "-N", "-C", "2");
    peerPub(m, "-t", "out/1", "-m", "one");
    peerPub(m, "-t", "out/2", "-m", "two");
    CliRun.Result v = done(verbose);
    assertThat(v.exit()).isZero();
    assertThat(v.out()).isEqualTo("out/1 oneout/2 two");
  }

  @Test
  void sub_json_showsQosRetainPayloadAndProperties() throws Exception {
    MosquittoProcess m = plain();
    peerPub(m, "-t", "j/retained", "-m", "kept", "-r", "-q", "1");
    CompletableFuture<CliRun.Result> f =
        sub(m, "s-json", "-t", "j/#", "--json", "-q", "1", "-C", "3");
    peerPub(
        m,
        "-V",
        "5",
        "-t",
        "j/props",
        "-m",
        "with \"quotes\"",
        "-q",
        "1",
        "-D",
        "publish",
        "content-type",
        "text/plain",
        "-D",
        "publish",
        "user-property",
        "k",
        "v");
    Path bin = Files.createTempFile("bin", ".dat");
    try {
      Files.write(bin, new byte[] {(byte) 0xff, 0, 1});
      peerPub(m, "-t", "j/bin", "-f", bin.toString());
    } finally {
      Files.delete(bin);
    }
    List<String> lines = done(f).out().lines().toList();
    assertThat(lines)
        .containsExactly(
            "{\"topic\":\"j/retained\",\"qos\":1,\"retain\":true,\"payload\":\"kept\",\"encoding\":\"utf-8\"}",
            "{\"topic\":\"j/props\",\"qos\":1,\"retain\":false,\"payload\":\"with \\\"quotes\\\"\",\"encoding\":\"utf-8\","
                + "\"properties\":{\"content_type\":\"text/plain\",\"user_properties\":[{\"name\":\"k\",\"value\":\"v\"}]}}",
            "{\"topic\":\"j/bin\",\"qos\":0,\"retain\":false,\"payload\":\"/wAB\",\"encoding\":\"base64\"}");
  }

  @Test
  void sub_noRetained_skipsStaleMessages() throws Exception {
    MosquittoProcess m = plain();
    peerPub(m, "-t", "st/x", "-m", "stale", "-r");
    CompletableFuture<CliRun.Result> f = sub(m, "s-fresh", "-t", "st/#", "-R", "-C", "1");
    peerPub(m, "-t", "st/x", "-m", "fresh");
    assertThat(done(f).out()).isEqualTo("fresh\n");
  }

  @Test
  void sub_timeout_exits27_asMosquittoSub_withOrWithoutCount() throws Exception {
    MosquittoProcess m = plain();
    CliRun.Result r = CliRun.run(at(m, "sub", "-t", "none/#", "-C", "1", "-W", "1"));
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.SUB_TIMED_OUT).isEqualTo(27);
    assertThat(r.err()).contains("timed out after 1 s (-W) with 0 of 1");
    CliRun.Result noCount = CliRun.run(at(m, "sub", "-t", "none/#", "-W", "1"));
    assertThat(noCount.exit()).as(noCount.toString()).isEqualTo(27);
    MosquittoClients.Result theirs =
        MosquittoClients.run(
            WAIT, "mosquitto_sub", "-h", "127.0.0.1", "-p", m.port(), "-t", "none/#", "-W", "1");
    assertThat(theirs.exitCode()).isEqualTo(27);
  }

  @Test
  void sub_sessionResume_withDisableCleanSession() throws Exception {
    MosquittoProcess m = plain();
    // first run creates the persistent session and its subscription
    assertThat(
            CliRun.run(at(m, "sub", "-t", "ses/#", "-q", "1", "-c", "-i", "resumer", "-E")).exit())
        .isZero();
    peerPub(m, "-t", "ses/x", "-m", "while away", "-q", "1");
    CliRun.Result r =
        CliRun.run(
            at(m, "sub", "-t", "ses/#", "-q", "1", "-c", "-i", "resumer", "-C", "1", "-W", "5"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("while away\n");
  }

  @Test
  void ourBroker_pubThenSub_retainedQos2WithProperties() {
    EmbeddedBroker b = new EmbeddedBroker().start();
    toClose.add(b);
    String port = Integer.toString(b.port());
    CliRun.Result pub =
        CliRun.run(
            "pub",
            "-h",
            "127.0.0.1",
            "-p",
            port,
            "-t",
            "ours/x",
            "-m",
            "kept",
            "-r",
            "-q",
            "2",
            "-D",
            "publish",
            "content-type",
            "text/plain");
    assertThat(pub.exit()).as(pub.toString()).isZero();
    CliRun.Result sub =
        CliRun.run(
            "sub",
            "-h",
            "127.0.0.1",
            "-p",
            port,
            "-t",
            "ours/#",
            "-q",
            "2",
            "-C",
            "1",
            "-W",
            "5",
            "--json");
    assertThat(sub.exit()).as(sub.toString()).isZero();
    assertThat(sub.out())
        .isEqualTo(
            "{\"topic\":\"ours/x\",\"qos\":2,\"retain\":true,\"payload\":\"kept\",\"encoding\":\"utf-8\","
                + "\"properties\":{\"content_type\":\"text/plain\"}}\n");
  }

  // ------------------------------------------------------------------ TLS and credentials

  @Test
  void tls_urlWithCafile_pubAndSub() throws Exception {
    MosquittoProcess m = tls(pki.serverCert, pki.serverKey);
    String url = "mqtts://localhost:" + m.port() + "/secure/t";
    CliRun.Result pub =
        CliRun.run("pub", "--url", url, "--cafile", pki.caCert.toString(), "-m", "sealed", "-r");
    assertThat(pub.exit()).as(pub.toString()).isZero();
    CliRun.Result sub =
        CliRun.run(
            "sub", "--url", url, "--cafile", pki.caCert.toString(), "-C", "1", "-W", "5", "-v");
    assertThat(sub.exit()).as(sub.toString()).isZero();
    assertThat(sub.out()).isEqualTo("secure/t sealed\n");
    CliRun.Result v12 =
        CliRun.run(
            "pub",
            "--url",
            url,
            "--cafile",
            pki.caCert.toString(),
            "-n",
            "--tls-version",
            "tlsv1.2",
            "--ciphers",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "--tls-alpn",
            "mqtt");
    assertThat(v12.exit()).as(v12.toString()).isZero();
  }

  @Test
  void tls_capath_andV311Sub(@TempDir Path caDir) throws Exception {
    Files.copy(pki.caCert, caDir.resolve("ca.pem"));
    MosquittoProcess m = tls(pki.serverCert, pki.serverKey);
    String port = Integer.toString(m.port());
    CliRun.Result pub =
        CliRun.run(
            "pub",
            "-h",
            "localhost",
            "-p",
            port,
            "--capath",
            caDir.toString(),
            "-t",
            "cp/x",
            "-m",
            "via capath",
            "-r",
            "-q",
            "1");
    assertThat(pub.exit()).as(pub.toString()).isZero();
    CliRun.Result sub =
        CliRun.run(
            "sub",
            "-h",
            "localhost",
            "-p",
            port,
            "--capath",
            caDir.toString(),
            "-V",
            "mqttv311",
            "-i",
            "old-sub",
            "-t",
            "cp/#",
            "-C",
            "1",
            "-W",
            "5",
            "--json");
    assertThat(sub.exit()).as(sub.toString()).isZero();
    assertThat(sub.out())
        .isEqualTo(
            "{\"topic\":\"cp/x\",\"qos\":0,\"retain\":true,\"payload\":\"via capath\",\"encoding\":\"utf-8\"}\n");
    assertThat(m.awaitLog(l -> l.contains(" as old-sub (p2"), WAIT)).isPresent();
  }

  @Test
  void tls_wrongHost_exits5_namingIt_andInsecureConnectsWithAWarning() {
    MosquittoProcess m = tls(pki.wrongHostCert, pki.wrongHostKey);
    String[] base = {
      "pub",
      "-h",
      "127.0.0.1",
      "-p",
      Integer.toString(m.port()),
      "--cafile",
      pki.caCert.toString(),
      "-t",
      "t",
      "-m",
      "x"
    };
    CliRun.Result strict = CliRun.run(base);
    assertThat(strict.exit()).as(strict.toString()).isEqualTo(ExitCodes.CERTIFICATE);
    assertThat(strict.err())
        .contains(
            "mqttls pub: TLS: you connected to 127.0.0.1 but the broker's certificate (CN=other.example) names other.example")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    List<String> args = new ArrayList<>(List.of(base));
    args.add("--insecure");
    CliRun.Result insecure = CliRun.run(args.toArray(new String[0]));
    assertThat(insecure.exit()).as(insecure.toString()).isZero();
    assertThat(insecure.err()).contains("INSECURE").contains("host name verification is off");
  }

  @Test
  void tls_keyForms_p12AndEncrypted_withPasswordsFromTheEnvironment(@TempDir Path tmp) {
    MosquittoProcess m =
        mosquitto(
            MosquittoProcess.builder()
                .listenerLine("certfile " + pki.serverCert)
                .listenerLine("keyfile " + pki.serverKey)
                .listenerLine("cafile " + pki.caCert)
                .listenerLine("require_certificate true"));
    ClientSetup.environment = Map.of(ClientSetup.KEY_PASSWORD_ENV, OpenSslPki.KEY_PASSWORD)::get;
    CliRun.Result p12 =
        pubToLocalhost(m, "--keyform", "p12", "--key", pki.clientP12.toString(), "-m", "p12");
    assertThat(p12.exit()).as(p12.toString()).isZero();
    String[] encrypted = {
      "--cert", pki.clientCert.toString(), "--key", pki.clientKeyEncrypted.toString(), "-m", "enc"
    };
    CliRun.Result enc = pubToLocalhost(m, encrypted);
    assertThat(enc.exit()).as(enc.toString()).isZero();
    ClientSetup.environment = Map.<String, String>of()::get;
    CliRun.Result noPw = pubToLocalhost(m, encrypted);
    assertThat(noPw.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(noPw.err()).contains("encrypted").contains(ClientSetup.KEY_PASSWORD_ENV);
    CliRun.Result noCert = pubToLocalhost(m, "-m", "x");
    assertThat(noCert.exit())
        .as(noCert.toString())
        .isIn(ExitCodes.CERTIFICATE, ExitCodes.TLS_HANDSHAKE);
    assertThat(noCert.err()).contains("client certificate");
  }

  @Test
  void secTag_takesCredentialsFromTheStore(@TempDir Path store) {
    MosquittoProcess m =
        mosquitto(
            MosquittoProcess.builder()
                .listenerLine("certfile " + pki.serverCert)
                .listenerLine("keyfile " + pki.serverKey)
                .listenerLine("cafile " + pki.caCert)
                .listenerLine("require_certificate true"));
    CredentialStore s = CredentialStore.open(store);
    s.provision(9, CredentialType.CA_CERTIFICATE, pki.pem(pki.caCert));
    s.provision(9, CredentialType.CLIENT_CERTIFICATE, pki.pem(pki.clientCert));
    s.provision(9, CredentialType.CLIENT_KEY, pki.pem(pki.clientKeySec1));
    CliRun.Result r =
        CliRun.run(
            "pub",
            "-h",
            "localhost",
            "-p",
            Integer.toString(m.port()),
            "--sec-tag",
            "9",
            "--sec-tag-dir",
            store.toString(),
            "-t",
            "tag",
            "-m",
            "x");
    assertThat(r.exit()).as(r.toString()).isZero();
  }

  @Test
  void passwords_fromTheEnvironment_orArgvWithAWarning_andRefusalExits6() throws Exception {
    MosquittoProcess.Builder b = MosquittoProcess.builder().allowAnonymous(false);
    Path pw = b.file("passwd", "");
    MosquittoClients.Result passwd =
        MosquittoClients.run(WAIT, "mosquitto_passwd", "-b", pw, "bob", "builder-pw");
    assertThat(passwd.exitCode()).as(passwd.toString()).isZero();
    MosquittoProcess m = mosquitto(b.line("password_file " + pw));

    ClientSetup.environment = Map.of(ClientSetup.PASSWORD_ENV, "builder-pw")::get;
    CliRun.Result env = CliRun.run(at(m, "pub", "-u", "bob", "-t", "t", "-m", "x"));
    assertThat(env.exit()).as(env.toString()).isZero();
    assertThat(env.err()).doesNotContain("Warning");

    ClientSetup.environment = Map.<String, String>of()::get;
    CliRun.Result argv =
        CliRun.run(at(m, "pub", "-u", "bob", "-P", "builder-pw", "-t", "t", "-m", "x"));
    assertThat(argv.exit()).as(argv.toString()).isZero();
    assertThat(argv.err()).contains("Warning: a password on the command line is visible");

    CliRun.Result bad =
        CliRun.run(at(m, "pub", "-u", "bob", "-P", "wrong-pw", "-t", "t", "-m", "x"));
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(bad.err())
        .contains("refused the connection: 0x87 not authorized")
        .doesNotContain("wrong-pw");
  }

  // ------------------------------------------------------------------ failure classes

  @Test
  void exitCodes_usageUnreachableHandshakeTimeout() throws Exception {
    CliRun.Result noTopic = CliRun.run("pub", "-m", "x");
    assertThat(noTopic.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(noTopic.err()).contains("give a topic with -t");
    CliRun.Result twoSources = CliRun.run("pub", "-t", "t", "-m", "x", "-n");
    assertThat(twoSources.exit()).isEqualTo(ExitCodes.USAGE);
    CliRun.Result badQos = CliRun.run("sub", "-t", "t", "-q", "3");
    assertThat(badQos.exit()).isEqualTo(ExitCodes.USAGE);
    CliRun.Result unknown = CliRun.run("pub", "--no-such-flag");
    assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
    CliRun.Result plainUrlWithTls =
        CliRun.run(
            "pub", "--url", "mqtt://localhost/t", "--cafile", pki.caCert.toString(), "-m", "x");
    assertThat(plainUrlWithTls.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(plainUrlWithTls.err()).contains("use mqtts://");

    int closedPort = Ports.freePort();
    CliRun.Result unreachable =
        CliRun.run(
            "pub", "-h", "127.0.0.1", "-p", Integer.toString(closedPort), "-t", "t", "-m", "x");
    assertThat(unreachable.exit()).as(unreachable.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(unreachable.err())
        .startsWith("mqttls pub: ")
        .contains("mqtt://127.0.0.1:" + closedPort)
        .doesNotContain("Exception");

    MosquittoProcess plainPort = plain();
    CliRun.Result handshake =
        CliRun.run(
            "pub",
            "--url",
            "mqtts://localhost:" + plainPort.port() + "/t",
            "--cafile",
            pki.caCert.toString(),
            "-m",
            "x");
    assertThat(handshake.exit()).as(handshake.toString()).isEqualTo(ExitCodes.TLS_HANDSHAKE);
    assertThat(handshake.err()).contains("plain MQTT port");

    // a peer that accepts TCP and never answers: CONNACK never comes
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return silent.accept();
                } catch (IOException e) {
                  return null;
                }
              });
      CliRun.Result timeout =
          CliRun.run(
              "pub",
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(silent.getLocalPort()),
              "--connect-timeout",
              "1",
              "-t",
              "t",
              "-m",
              "x");
      assertThat(timeout.exit()).as(timeout.toString()).isEqualTo(ExitCodes.TIMEOUT);
      assertThat(timeout.err()).contains("no CONNACK").contains("within 1 s");
      Socket s = accepted.get(5, TimeUnit.SECONDS);
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void help_listsTheExitCodes() {
    CliRun.Result r = CliRun.run("sub", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("-h, --host")
        .contains("--cafile")
        .contains("Exit codes:")
        .contains("6  connection refused");
  }
}
