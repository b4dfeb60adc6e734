package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.CredentialType;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.client.MessageStream;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.OfflineBuffer;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.MosquittoProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our client against Debian's Mosquitto, started per test with its own configuration on loopback:
 * QoS 0/1/2 both ways in both protocol versions, retained messages, MQTT 5 properties, one-way and
 * mutual TLS with every client key form, user name and password, the credential store, and the
 * named refusals (untrusted CA, wrong host name, missing client certificate, bad password).
 */
class ClientAgainstMosquittoTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path pkiDir;
  static OpenSslPki pki;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void makePki() {
    pki = new OpenSslPki(pkiDir);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private MosquittoProcess mosquitto(MosquittoProcess.Builder b) {
    MosquittoProcess m = b.start();
    toClose.add(m);
    return m;
  }

  private MosquittoProcess plainMosquitto() {
    return mosquitto(MosquittoProcess.builder());
  }

  private MosquittoProcess tlsMosquitto(Path cert, Path key, boolean requireClientCert) {
    MosquittoProcess.Builder b = MosquittoProcess.builder();
    b.listenerLine("certfile " + cert).listenerLine("keyfile " + key);
    if (requireClientCert) {
      b.listenerLine("cafile " + pki.caCert)
          .listenerLine("require_certificate true")
          .listenerLine("use_identity_as_username true");
    }
    return mosquitto(b);
  }

  private MqttClient client(MqttClientConfig.Builder b) {
    MqttClient c = MqttClient.create(b.build());
    toClose.add(c);
    return c;
  }

  private static MqttClientConfig.Builder to(MosquittoProcess m, String host) {
    return MqttClientConfig.builder(host).port(m.port());
  }

  /** Subscribes a fresh plain or TLS client, returning what it receives. */
  private Received subscriber(MqttClientConfig.Builder b, String filter, Qos qos) {
    MqttClient c = client(b);
    c.blocking().connect();
    Received r = new Received();
    c.blocking().subscribe(Subscription.of(filter, qos), r.list::add);
    return r;
  }

  static final class Received {
    final List<Message> list = new CopyOnWriteArrayList<>();

    List<Message> await(int n) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (list.size() < n && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(list).as("messages received within " + WAIT).hasSizeGreaterThanOrEqualTo(n);
      return list;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  void qos012_bothWays_inBothVersions(MqttVersion version) throws Exception {
    MosquittoProcess m = plainMosquitto();
    Received r =
        subscriber(
            to(m, "127.0.0.1").version(version).clientId("sub-" + version),
            "q/#",
            Qos.EXACTLY_ONCE);
    MqttClient pub = client(to(m, "127.0.0.1").version(version).clientId("pub-" + version));
    pub.blocking().connect();
    for (Qos q : Qos.values()) {
      PublishResult res =
          pub.blocking()
              .publish(Message.builder("q/" + q.code()).payload("m" + q.code()).qos(q).build());
      assertThat(res.qos()).isEqualTo(q);
      assertThat(res.reasonCode().isError()).isFalse();
    }
    List<Message> got = r.await(3);
    assertThat(got).extracting(Message::topic).containsExactly("q/0", "q/1", "q/2");
    assertThat(got).extracting(Message::qos).containsExactly(Qos.values());
    assertThat(got).extracting(Message::payloadAsString).containsExactly("m0", "m1", "m2");
    assertThat(pub.status().messagesOut()).isEqualTo(3);
  }

  @Test
  void subscriptionQos_downgradesDelivery() throws Exception {
    MosquittoProcess m = plainMosquitto();
    Received r = subscriber(to(m, "127.0.0.1"), "d/#", Qos.AT_LEAST_ONCE);
    MqttClient pub = client(to(m, "127.0.0.1"));
    pub.blocking().connect();
    pub.blocking().publish(Message.builder("d/2").payload("x").qos(Qos.EXACTLY_ONCE).build());
    assertThat(r.await(1).get(0).qos()).isEqualTo(Qos.AT_LEAST_ONCE);
  }

  @Test
  void retained_isDeliveredToALaterSubscriber_withTheRetainFlag() throws Exception {
    MosquittoProcess m = plainMosquitto();
    MqttClient pub = client(to(m, "127.0.0.1"));
    pub.blocking().connect();
    pub.blocking()
        .publish(
            Message.builder("r/state").payload("on").qos(Qos.AT_LEAST_ONCE).retain(true).build());
    Received r = subscriber(to(m, "127.0.0.1"), "r/#", Qos.AT_LEAST_ONCE);
    Message got = r.await(1).get(0);
    assertThat(got.retain()).isTrue();
    assertThat(got.payloadAsString()).isEqualTo("on");
  }

  @Test
  void v5Properties_travelBothWays() throws Exception {
    MosquittoProcess m = plainMosquitto();
    Received r = subscriber(to(m, "127.0.0.1"), "p/#", Qos.AT_LEAST_ONCE);
    MqttClient pub = client(to(m, "127.0.0.1"));
    pub.blocking().connect();
    MessageProperties props =
        MessageProperties.builder()
            .contentType("application/json")
            .responseTopic("p/reply")
            .correlationData(new byte[] {1, 2, 3})
            .messageExpirySeconds(300)
            .payloadUtf8(true)
            .userProperty("device", "d-1")
            .userProperty("device", "d-2")
            .build();
    pub.blocking()
        .publish(
            Message.builder("p/req")
                .payload("{}")
                .qos(Qos.AT_LEAST_ONCE)
                .properties(props)
                .build());
    MessageProperties got = r.await(1).get(0).properties();
    assertThat(got.contentType()).contains("application/json");
    assertThat(got.responseTopic()).contains("p/reply");
    assertThat(got.correlationData())
        .hasValueSatisfying(d -> assertThat(d).containsExactly(1, 2, 3));
    assertThat(got.payloadUtf8()).contains(true);
    assertThat(got.messageExpirySeconds().getAsLong()).isBetween(1L, 300L);
    assertThat(got.userProperties())
        .extracting(u -> u.name() + "=" + u.value())
        .containsExactly("device=d-1", "device=d-2");
  }

  @Test
  void v311_dropsV5Properties() throws Exception {
    MosquittoProcess m = plainMosquitto();
    Received r =
        subscriber(
            to(m, "127.0.0.1").version(MqttVersion.V3_1_1).clientId("s311"),
            "p/#",
            Qos.AT_LEAST_ONCE);
    MqttClient pub = client(to(m, "127.0.0.1"));
    pub.blocking().connect();
    pub.blocking()
        .publish(
            Message.builder("p/x")
                .payload("v")
                .qos(Qos.AT_LEAST_ONCE)
                .properties(MessageProperties.builder().contentType("text/plain").build())
                .build());
    assertThat(r.await(1).get(0).properties().isEmpty()).isTrue();
  }

  @Test
  void oneWayTls_verifiesTheBroker_andReportsTheSession() throws Exception {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    for (String host : List.of("localhost", "127.0.0.1")) {
      MqttClient c = client(to(m, host).tls(TlsConfig.builder().caFile(pki.caCert).build()));
      ConnectResult r = c.blocking().connect();
      assertThat(r.tls()).isPresent();
      assertThat(r.tls().get().protocol()).isIn("TLSv1.3", "TLSv1.2");
      assertThat(r.tls().get().peerSubject()).isEqualTo("CN=localhost");
      assertThat(r.tls().get().daysToExpiry(java.time.Instant.now())).isBetween(28L, 30L);
      c.close();
    }
  }

  @Test
  void tlsVersionAndCipher_areThoseConfigured() {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    MqttClient c =
        client(
            to(m, "localhost")
                .tls(
                    TlsConfig.builder()
                        .caFile(pki.caCert)
                        .protocols(List.of("TLSv1.2"))
                        .ciphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                        .alpn(List.of("mqtt"))
                        .build()));
    ConnectResult r = c.blocking().connect();
    assertThat(r.tls().get().protocol()).isEqualTo("TLSv1.2");
    assertThat(r.tls().get().cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pkcs8", "sec1", "encrypted-pkcs8", "pkcs12", "rsa-pkcs1"})
  void mutualTls_withEveryKeyForm(String form) throws Exception {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, true);
    TlsConfig.Builder tls = TlsConfig.builder().caFile(pki.caCert);
    switch (form) {
      case "pkcs8":
        tls.certFile(pki.clientCert).keyFile(pki.clientKeyPkcs8);
        break;
      case "sec1":
        tls.certFile(pki.clientCert).keyFile(pki.clientKeySec1);
        break;
      case "encrypted-pkcs8":
        tls.certFile(pki.clientCert)
            .keyFile(pki.clientKeyEncrypted)
            .keyPassword(OpenSslPki.KEY_PASSWORD.toCharArray());
        break;
      case "pkcs12":
        tls.pkcs12(pki.clientP12, OpenSslPki.KEY_PASSWORD.toCharArray());
        break;
      default:
        tls.certFile(pki.rsaClientCert).keyFile(pki.rsaClientKeyPkcs1);
    }
    Received r = subscriber(to(m, "localhost").tls(tls.build()), "mtls/#", Qos.AT_LEAST_ONCE);
    MqttClient pub = client(to(m, "localhost").tls(tls.build()));
    pub.blocking().connect();
    pub.blocking()
        .publish(Message.builder("mtls/" + form).payload(form).qos(Qos.AT_LEAST_ONCE).build());
    assertThat(r.await(1).get(0).payloadAsString()).isEqualTo(form);
    String cn = form.equals("rsa-pkcs1") ? "device-rsa" : "device-1";
    assertThat(m.awaitLog(l -> l.contains("u'" + cn + "'"), WAIT)).isPresent();
  }

  @Test
  void mutualTls_withoutAClientCertificate_failsNamingTheCause() {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, true);
    MqttClient c = client(to(m, "localhost").tls(TlsConfig.builder().caFile(pki.caCert).build()));
    MqttClientException e =
        catchThrowableOfType(() -> c.blocking().connect(), MqttClientException.class);
    assertThat(e.kind()).isIn(FailureKind.CERTIFICATE, FailureKind.TLS_HANDSHAKE);
    assertThat(e.getMessage()).contains("client certificate");
  }

  @Test
  void encryptedKey_withWrongPassword_isAConfigurationError() {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, true);
    MqttClient c =
        client(
            to(m, "localhost")
                .tls(
                    TlsConfig.builder()
                        .caFile(pki.caCert)
                        .certFile(pki.clientCert)
                        .keyFile(pki.clientKeyEncrypted)
                        .keyPassword("wrong".toCharArray())
                        .build()));
    MqttClientException e =
        catchThrowableOfType(() -> c.blocking().connect(), MqttClientException.class);
    assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION);
    assertThat(e.getMessage()).contains("client-enc.key").contains("decrypt");
  }

  @Test
  void untrustedCa_isRefused_namingTheChain() {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    MqttClient c =
        client(to(m, "localhost").tls(TlsConfig.builder().caFile(pki.otherCaCert).build()));
    MqttClientException e =
        catchThrowableOfType(() -> c.blocking().connect(), MqttClientException.class);
    assertThat(e.kind()).isEqualTo(FailureKind.CERTIFICATE);
    assertThat(e.getMessage()).contains("not signed by a trusted CA").contains("mqttls test CA");
  }

  @Test
  void hostnameVerification_refusesACertificateWithoutTheName_andInsecureConnectsWithAWarning()
      throws Exception {
    MosquittoProcess m = tlsMosquitto(pki.wrongHostCert, pki.wrongHostKey, false);
    MqttClient strict =
        client(to(m, "127.0.0.1").tls(TlsConfig.builder().caFile(pki.caCert).build()));
    MqttClientException e =
        catchThrowableOfType(() -> strict.blocking().connect(), MqttClientException.class);
    assertThat(e.kind()).isEqualTo(FailureKind.CERTIFICATE);
    assertThat(e.getMessage())
        .contains("you connected to 127.0.0.1")
        .contains("names other.example")
        .contains("HOSTNAME_MISMATCH");

    try (LogCapture log = LogCapture.start("dev.mqttls.client")) {
      MqttClient insecure =
          client(to(m, "127.0.0.1").tls(TlsConfig.builder().caFile(pki.caCert).insecure().build()));
      ConnectResult r = insecure.blocking().connect();
      assertThat(r.tls().get().peerSubject()).isEqualTo("CN=other.example");
      assertThat(log.lines())
          .anyMatch(l -> l.contains("INSECURE") && l.contains("host name verification is off"));
    }
    // insecure skips only the name: a certificate from an unknown CA is still refused
    MqttClient insecureOtherCa =
        client(
            to(m, "127.0.0.1").tls(TlsConfig.builder().caFile(pki.otherCaCert).insecure().build()));
    assertThatThrownBy(() -> insecureOtherCa.blocking().connect())
        .isInstanceOfSatisfying(
            MqttClientException.class,
            x -> assertThat(x.kind()).isEqualTo(FailureKind.CERTIFICATE));
  }

  @Test
  void plainMqttOnATlsPort_andTlsOnAPlainPort_areNamed() {
    MosquittoProcess tlsPort = tlsMosquitto(pki.serverCert, pki.serverKey, false);
    MqttClient plainToTls = client(to(tlsPort, "localhost").connectTimeout(Duration.ofSeconds(5)));
    MqttClientException e1 =
        catchThrowableOfType(() -> plainToTls.blocking().connect(), MqttClientException.class);
    // Mosquitto resets the connection without a TLS alert; the message says what to try
    assertThat(e1.kind()).as(e1.getMessage()).isEqualTo(FailureKind.CONNECTION_LOST);
    assertThat(e1.getMessage()).contains("TLS port").contains("mqtts://");

    MosquittoProcess plainPort = plainMosquitto();
    MqttClient tlsToPlain =
        client(to(plainPort, "localhost").tls(TlsConfig.builder().caFile(pki.caCert).build()));
    MqttClientException e2 =
        catchThrowableOfType(() -> tlsToPlain.blocking().connect(), MqttClientException.class);
    assertThat(e2.kind()).isIn(FailureKind.TLS_HANDSHAKE, FailureKind.TIMEOUT);
    assertThat(e2.getMessage()).startsWith("TLS:");
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  void usernameAndPassword_acceptedOrRefusedWithTheReasonCode(MqttVersion version)
      throws Exception {
    MosquittoProcess.Builder b = MosquittoProcess.builder().allowAnonymous(false);
    Path pwFile = b.file("passwd", "");
    Process p =
        new ProcessBuilder("mosquitto_passwd", "-b", pwFile.toString(), "alice", "wonder-land")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    b.line("password_file " + pwFile);
    MosquittoProcess m = mosquitto(b);

    MqttClient good =
        client(
            to(m, "127.0.0.1")
                .version(version)
                .clientId("alice-1")
                .username("alice")
                .password("wonder-land".toCharArray()));
    assertThat(good.blocking().connect().reasonCode()).isEqualTo(ReasonCode.SUCCESS);

    MqttClient bad =
        client(
            to(m, "127.0.0.1")
                .version(version)
                .clientId("alice-2")
                .username("alice")
                .password("nope".toCharArray()));
    MqttClientException e =
        catchThrowableOfType(() -> bad.blocking().connect(), MqttClientException.class);
    assertThat(e.kind()).isEqualTo(FailureKind.REFUSED);
    assertThat(e.reasonCode()).isPresent();
    assertThat(e.reasonCode().get())
        .isIn(ReasonCode.BAD_USER_NAME_OR_PASSWORD, ReasonCode.NOT_AUTHORIZED);
    assertThat(e.getMessage()).contains(String.format("0x%02X", e.reasonCode().get().code()));
    assertThat(e.getMessage()).doesNotContain("nope");
  }

  @Test
  void secTag_connectsWithCredentialsFromTheStore(@TempDir Path storeDir) throws Exception {
    MosquittoProcess m = tlsMosquitto(pki.serverCert, pki.serverKey, true);
    CredentialStore store = CredentialStore.open(storeDir);
    int tag = 16842753;
    store.provision(tag, CredentialType.CA_CERTIFICATE, pki.pem(pki.caCert));
    store.provision(tag, CredentialType.CLIENT_CERTIFICATE, pki.pem(pki.clientCert));
    store.provision(tag, CredentialType.CLIENT_KEY, pki.pem(pki.clientKeySec1));
    MqttClient c = client(to(m, "localhost").tls(TlsConfig.builder().secTag(store, tag).build()));
    assertThat(c.blocking().connect().tls()).isPresent();
  }

  @Test
  void offlineBuffer_keepsPublishesMadeBeforeConnecting_andAppliesItsPolicyWhenFull()
      throws Exception {
    MosquittoProcess m = plainMosquitto();
    Received r = subscriber(to(m, "127.0.0.1"), "ob/#", Qos.AT_LEAST_ONCE);
    MqttClient pub =
        client(
            to(m, "127.0.0.1")
                .offlineBuffer(new OfflineBuffer(3, OfflineBuffer.Overflow.DROP_OLDEST)));
    List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(
          pub.publish(Message.builder("ob/" + i).payload("b" + i).qos(Qos.AT_LEAST_ONCE).build()));
    }
    long until = System.nanoTime() + WAIT.toNanos();
    while (pub.status().buffered() < 3 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(pub.status().buffered()).isEqualTo(3);
    // the two oldest were dropped to make room, naming why
    for (int i = 0; i < 2; i++) {
      ExecutionException x =
          catchThrowableOfType(
              () -> sent.get(0).get(5, TimeUnit.SECONDS), ExecutionException.class);
      assertThat(((MqttClientException) x.getCause()).kind()).isEqualTo(FailureKind.BUFFER_FULL);
    }
    pub.blocking().connect();
    for (int i = 2; i < 5; i++) {
      assertThat(sent.get(i).get(10, TimeUnit.SECONDS).dropped()).isFalse();
    }
    assertThat(r.await(3)).extracting(Message::topic).containsExactly("ob/2", "ob/3", "ob/4");

    MqttClient failing =
        client(to(m, "127.0.0.1").offlineBuffer(new OfflineBuffer(1, OfflineBuffer.Overflow.FAIL)));
    CompletableFuture<PublishResult> kept = failing.publish(Message.of("ob/k", "k"));
    CompletableFuture<PublishResult> refused = failing.publish(Message.of("ob/f", "f"));
    ExecutionException x =
        catchThrowableOfType(() -> refused.get(5, TimeUnit.SECONDS), ExecutionException.class);
    assertThat(((MqttClientException) x.getCause()).kind()).isEqualTo(FailureKind.BUFFER_FULL);
    assertThat(kept).isNotDone();

    MqttClient dropping =
        client(
            to(m, "127.0.0.1")
                .offlineBuffer(new OfflineBuffer(1, OfflineBuffer.Overflow.DROP_NEWEST)));
    dropping.publish(Message.of("ob/a", "a"));
    assertThat(dropping.publish(Message.of("ob/b", "b")).get(5, TimeUnit.SECONDS).dropped())
        .isTrue();
  }

  @Test
  void withoutOfflineBuffer_publishWhileDisconnected_failsAtOnce() {
    MqttClient c = client(MqttClientConfig.builder("127.0.0.1").port(1));
    assertThatThrownBy(() -> c.blocking().publish(Message.of("x", "y")))
        .isInstanceOfSatisfying(
            MqttClientException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_LOST));
  }

  @Test
  void inflightWindow_manyQos1And2Publishes_allCompleteInOrder() throws Exception {
    MosquittoProcess m = plainMosquitto();
    Received r = subscriber(to(m, "127.0.0.1"), "w/#", Qos.EXACTLY_ONCE);
    MqttClient pub = client(to(m, "127.0.0.1").maxInflight(3));
    pub.blocking().connect();
    List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(
          pub.publish(
              Message.builder("w/x").payload(Integer.toString(i)).qos(Qos.of(1 + i % 2)).build()));
    }
    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
    // MQTT orders messages of one QoS on a topic; QoS 1 and 2 may interleave
    List<Message> got = r.await(60);
    for (Qos q : List.of(Qos.AT_LEAST_ONCE, Qos.EXACTLY_ONCE)) {
      List<Integer> seq = new ArrayList<>();
      for (Message msg : got) {
        if (msg.qos() == q) {
          seq.add(Integer.parseInt(msg.payloadAsString()));
        }
      }
      assertThat(seq).hasSize(30).isSorted();
    }
  }

  @Test
  void stream_deliversOnlyWhatIsRequested_inOrder() throws Exception {
    MosquittoProcess m = plainMosquitto();
    MqttClient sub = client(to(m, "127.0.0.1"));
    sub.blocking().connect();
    MessageStream stream = sub.subscribeStream(Subscription.of("s/#", Qos.AT_LEAST_ONCE), 4);
    List<String> got = new CopyOnWriteArrayList<>();
    AtomicInteger requested = new AtomicInteger();
    AtomicInteger overDelivered = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    Flow.Subscription[] subscription = new Flow.Subscription[1];
    stream.subscribe(
        new Flow.Subscriber<Message>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription[0] = s;
            requested.addAndGet(2);
            s.request(2);
          }

          @Override
          public void onNext(Message item) {
            got.add(item.payloadAsString());
            if (got.size() > requested.get()) {
              overDelivered.incrementAndGet();
            }
            if (got.size() == 20) {
              done.countDown();
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
    stream.subscribed().get(10, TimeUnit.SECONDS);
    MqttClient pub = client(to(m, "127.0.0.1"));
    pub.blocking().connect();
    for (int i = 0; i < 20; i++) {
      pub.blocking()
          .publish(Message.builder("s/x").payload("s" + i).qos(Qos.AT_LEAST_ONCE).build());
    }
    // only the two requested arrive until more are asked for
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (got.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(200);
    assertThat(got).containsExactly("s0", "s1");
    requested.addAndGet(18);
    subscription[0].request(18);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(overDelivered.get()).isZero();
    assertThat(got.get(19)).isEqualTo("s19");
    subscription[0].cancel();
  }
}
