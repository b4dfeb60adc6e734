package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.broker.BrokerConfig.LogTarget;
import dev.mqttls.broker.BrokerConfig.LogType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokerConfigTest {
  private static final Path FILE = Path.of("/etc/mqttls/test.conf");

  @Test
  void parse_everyIssueDirective() throws Exception {
    BrokerConfig c =
        BrokerConfig.parse(
            """
            # comment
            allow_anonymous false
            max_inflight_messages 40
            max_queued_messages 200
            message_size_limit 1000
            max_packet_size 5000
            max_keepalive 120
            persistent_client_expiration 2d
            retain_available false
            log_type error
            log_type subscribe
            log_dest stdout
            log_dest file mqttls.log
            set_tcp_nodelay true
            user root

            listener 0 127.0.0.1
            listener 1884
            """,
            FILE);
    assertThat(c.allowAnonymous()).isFalse();
    assertThat(c.maxInflightMessages()).isEqualTo(40);
    assertThat(c.maxQueuedMessages()).isEqualTo(200);
    assertThat(c.messageSizeLimit()).isEqualTo(1000);
    assertThat(c.maxPacketSize()).isEqualTo(5000);
    assertThat(c.maxKeepalive()).isEqualTo(120);
    assertThat(c.persistentClientExpiration()).contains(Duration.ofDays(2));
    assertThat(c.retainAvailable()).isFalse();
    assertThat(c.logTypes()).containsExactlyInAnyOrder(LogType.ERROR, LogType.SUBSCRIBE);
    assertThat(c.logDestinations()).hasSize(2);
    assertThat(c.logDestinations().get(1).target()).isEqualTo(LogTarget.FILE);
    assertThat(c.logDestinations().get(1).file()).contains(Path.of("/etc/mqttls/mqttls.log"));
    assertThat(c.listeners()).hasSize(2);
    assertThat(c.listeners().get(0).port()).isZero();
    assertThat(c.listeners().get(0).bindAddress()).contains("127.0.0.1");
    assertThat(c.listeners().get(1).bindAddress()).isEmpty();
  }

  @Test
  void noListener_defaultsToLoopback1883() throws Exception {
    BrokerConfig c = BrokerConfig.parse("allow_anonymous true\n", FILE);
    assertThat(c.listeners()).hasSize(1);
    assertThat(c.listeners().get(0).port()).isEqualTo(1883);
    assertThat(c.listeners().get(0).bindAddress()).contains("127.0.0.1");
  }

  @Test
  void portAndBindAddress_makeTheDefaultListener() throws Exception {
    BrokerConfig c = BrokerConfig.parse("port 1999\nbind_address 127.0.0.1\n", FILE);
    assertThat(c.listeners()).hasSize(1);
    assertThat(c.listeners().get(0).port()).isEqualTo(1999);
    assertThat(c.listeners().get(0).bindAddress()).contains("127.0.0.1");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bogus_directive 1|1|bogus_directive: unknown directive",
        "listener|1|listener: needs",
        "listener 70000|1|listener: 70000 is out of range 0..65535",
        "listener abc|1|listener: 'abc' is not a whole number",
        "listener 1883 /tmp/sock|1|listener: unix sockets are not supported",
        "allow_anonymous maybe|1|allow_anonymous: must be true or false, got 'maybe'",
        "max_inflight_messages -1|1|max_inflight_messages: -1 is out of range",
        "max_queued_messages 0|1|max_queued_messages: 0 (no limit) is not supported",
        "max_packet_size 10|1|max_packet_size: must be 0 (protocol maximum) or at least 20",
        "max_keepalive 70000|1|max_keepalive: 70000 is out of range 0..65535",
        "persistent_client_expiration 5x|1|persistent_client_expiration: '5x' has unknown unit",
        "persistent_client_expiration soon|1|persistent_client_expiration: 'soon' is not a duration",
        "log_type chatter|1|log_type: unknown log type 'chatter'",
        "log_dest syslog|1|log_dest: 'syslog' is not supported",
        "log_dest file|1|log_dest: 'file' needs a path",
        "retain_available|1|retain_available: needs a value",
        "max_keepalive 60 70|1|max_keepalive: takes one value, got 2: 60 70",
        "password_file /nonexistent/pw|1|password_file: cannot read '/nonexistent/pw'",
        "protocol http|1|protocol: unknown protocol 'http'; use mqtt or websockets",
        "http_dir /nonexistent|1|http_dir: '/nonexistent' is not a directory",
        "persistence maybe|1|persistence: ",
        "persistence_file a/b|1|persistence_file: persistence_file must be a plain name",
        "persistence_sync sometimes|1|persistence_sync: unknown mode 'sometimes'; use none, batch or always",
        "autosave_interval soon|1|autosave_interval: ",
        "memory_limit 10|1|memory_limit: not yet supported",
        "acl_file /nonexistent/acl|1|acl_file: cannot read '/nonexistent/acl'",
      })
  void badLine_namesFileLineAndDirective(String line, int lineNo, String message) {
    String text = "# header\n" + line + "\n";
    assertThatThrownBy(() -> BrokerConfig.parse(text, FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(FILE + ":" + (lineNo + 1) + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void ioThreads_setsTheEventLoops_zeroByDefault_negativeRefusedByLine() throws Exception {
    assertThat(BrokerConfig.parse("allow_anonymous true\n", FILE).ioThreads()).isZero();
    assertThat(BrokerConfig.parse("io_threads 1\n", FILE).ioThreads()).isEqualTo(1);
    assertThatThrownBy(() -> BrokerConfig.parse("\nio_threads -1\n", FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(FILE + ":2: io_threads");
  }

  @Test
  void perListenerSettings_afterASecurityLine_isRefusedAsMosquittoRefusesIt() {
    assertThatThrownBy(
            () -> BrokerConfig.parse("allow_anonymous false\nper_listener_settings true\n", FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(FILE + ":2: per_listener_settings: must be set before any other")
        .hasMessageContaining(FILE + ":1: allow_anonymous");
  }

  @Test
  void perListenerSettings_givesEachListenerItsOwnSecurity_andWebSocketsItsSettings()
      throws Exception {
    BrokerConfig c =
        BrokerConfig.parse(
            String.join(
                "\n",
                "per_listener_settings true",
                "websockets_headers_size 2048",
                "listener 1883 127.0.0.1",
                "allow_anonymous true",
                "listener 9001 127.0.0.1",
                "protocol websockets",
                "use_username_as_clientid true",
                "allow_zero_length_clientid false"),
            FILE);
    ListenerConfig tcp = c.listeners().get(0);
    ListenerConfig ws = c.listeners().get(1);
    assertThat(tcp.isWebSockets()).isFalse();
    assertThat(tcp.security().orElseThrow().allowAnonymous()).isTrue();
    assertThat(ws.webSockets().orElseThrow().headersSize()).isEqualTo(2048);
    assertThat(ws.webSockets().orElseThrow().httpDir()).isEmpty();
    // As mosquitto 2.0 with listeners: a listener without allow_anonymous refuses anonymous.
    assertThat(ws.security().orElseThrow().allowAnonymous()).isFalse();
    assertThat(ws.security().orElseThrow().allowZeroLengthClientId()).isFalse();
    assertThat(ws.useUsernameAsClientId()).isTrue();
    assertThat(c.passwordFile()).isEmpty();
  }

  @Test
  void includeDir_readsConfFilesInOrder_andErrorsNameTheIncludedFile(@TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("conf.d");
    Files.createDirectories(conf);
    Files.writeString(conf.resolve("a.conf"), "max_inflight_messages 7\n");
    Files.writeString(conf.resolve("b.conf"), "max_inflight_messages 9\n");
    Files.writeString(conf.resolve("ignored.txt"), "garbage\n");
    Path main = dir.resolve("mqttls.conf");
    Files.writeString(main, "listener 0 127.0.0.1\ninclude_dir conf.d\n");
    assertThat(BrokerConfig.parse(main).maxInflightMessages()).isEqualTo(9);

    Files.writeString(conf.resolve("c.conf"), "\n\nnonsense here\n");
    assertThatThrownBy(() -> BrokerConfig.parse(main))
        .hasMessage(conf.resolve("c.conf").toAbsolutePath() + ":3: nonsense: unknown directive");
  }

  @Test
  void includeDir_missing(@TempDir Path dir) throws Exception {
    Path main = dir.resolve("m.conf");
    Files.writeString(main, "include_dir nowhere\n");
    assertThatThrownBy(() -> BrokerConfig.parse(main))
        .hasMessageStartingWith(main + ":1: include_dir: ")
        .hasMessageContaining("is not a directory");
  }

  @Test
  void missingFile_namesIt(@TempDir Path dir) {
    Path f = dir.resolve("absent.conf");
    assertThatThrownBy(() -> BrokerConfig.parse(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": cannot read");
  }

  @Test
  void builder_validatesInTheSetter() {
    assertThatThrownBy(() -> BrokerConfig.builder().maxQueuedMessages(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_queued_messages");
    assertThat(BrokerConfig.builder().build().listeners().get(0))
        .isEqualTo(
            new ListenerConfig(1883, Optional.of("127.0.0.1"), java.util.List.of(), Path.of(".")));
  }

  @Test
  void brokerStart_portInUse_namesTheListener() throws Exception {
    try (Broker first = Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").build())) {
      int port = first.address(0).getPort();
      assertThatThrownBy(
              () -> Broker.start(BrokerConfig.builder().listener(port, "127.0.0.1").build()))
          .isInstanceOf(BrokerStartException.class)
          .hasMessage(
              "listener "
                  + port
                  + " 127.0.0.1: cannot listen on 127.0.0.1:"
                  + port
                  + ": the port is in use by another process"
                  + " (is another broker running? choose another port with listener)");
    }
  }

  @Test
  void brokerStart_addressNotOnThisMachine_saysSoInWords() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine; nothing is sent
    assertThatThrownBy(() -> Broker.start(BrokerConfig.builder().listener(0, "192.0.2.1").build()))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining(
            "cannot listen on 192.0.2.1:0: this machine has no such address"
                + " (give one of its own addresses in listener, or none for all)")
        .hasMessageNotContaining("(..)")
        .hasMessageNotContaining("Exception");
  }
}
