package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClient;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bctls engine behind a listener's handler, driven by Bouncy Castle's own TLS client over real
 * loopback sockets: TLS 1.2 PSK (CCM-8) and TLS 1.3 external PSK with the identity in the session
 * event; a wrong key and an unknown identity named in the failure but indistinguishable to the
 * client; psk_file reloaded; a client offering only CCM-8 with a certificate verified by the
 * listener's chain verifier, with the same cause as the other engines.
 */
class BctlsEngineTest {
  static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final BcTlsCrypto CRYPTO = new BcTlsCrypto(new SecureRandom());

  @TempDir static Path dir;
  static TestPki.Issued ca;
  static TestPki.Issued server;
  static TestPki.Issued device;
  static TestPki.Issued rogueDevice;
  static Path caFile;
  static Path[] serverPair;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("bctls test CA");
    server = TestPki.server(ca, "localhost", "localhost");
    device = TestPki.device(ca, "dev-1");
    rogueDevice = TestPki.device(TestPki.ca("bctls test CA"), "dev-1");
    caFile = TestPki.write(dir.resolve("ca.crt"), TestPki.pem(ca.cert()));
    serverPair = TestPki.writePair(dir, "server", server);
  }

  private static ServerTls pskListener(Path pskFile) throws Exception {
    return ServerTls.open(
        ServerTlsSettings.builder(dir)
            .directive("psk_hint", List.of("hint"))
            .directive("psk_file", List.of(pskFile.toString()))
            .directive("use_identity_as_username", List.of("true"))
            .build(),
        "psk");
  }

  private static Path pskFile(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  /** Handshakes, sends "ping", expects it echoed; returns the open protocol. */
  private static void echo(TlsTestServer s, TlsClient client) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setSoTimeout(10_000);
      TlsClientProtocol p =
          new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
      p.connect(client);
      OutputStream out = p.getOutputStream();
      out.write("ping".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = p.getInputStream();
      byte[] back = in.readNBytes(4);
      assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("ping");
      p.close();
    }
  }

  /** Handshakes and expects the server to refuse; returns the alert the client received. */
  private static short refused(TlsTestServer s, TlsClient client) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setSoTimeout(10_000);
      TlsClientProtocol p =
          new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
      Throwable[] caught = new Throwable[1];
      assertThatThrownBy(() -> p.connect(client))
          .satisfies(t -> caught[0] = t)
          .isInstanceOf(IOException.class);
      return caught[0] instanceof TlsFatalAlertReceived r ? r.getAlertDescription() : -1;
    }
  }

  static TlsClient psk12(String identity, byte[] key, int suite) {
    return new PSKTlsClient(CRYPTO, new BasicTlsPSKIdentity(identity, key)) {
      @Override
      protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv12.only();
      }

      @Override
      protected int[] getSupportedCipherSuites() {
        return new int[] {suite};
      }
    };
  }

  static TlsClient psk13(String identity, byte[] key) {
    return new DefaultTlsClient(CRYPTO) {
      @Override
      protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.only();
      }

      @Override
      protected int[] getSupportedCipherSuites() {
        return new int[] {CipherSuite.TLS_AES_128_GCM_SHA256};
      }

      @Override
      @SuppressWarnings({"rawtypes", "unchecked"})
      public Vector getExternalPSKs() {
        Vector v = new Vector();
        v.add(
            new BasicTlsPSKExternal(
                identity.getBytes(StandardCharsets.UTF_8), CRYPTO.createSecret(key)));
        return v;
      }

      @Override
      public TlsAuthentication getAuthentication() throws IOException {
        throw new TlsFatalAlert(AlertDescription.internal_error); // PSK: no certificate
      }
    };
  }

  @Test
  void tls12PskCcm8_establishedWithTheIdentity() throws Exception {
    try (TlsTestServer s =
        new TlsTestServer(pskListener(pskFile("a", "dev-1:00112233445566778899aabbccddeeff\n")))) {
      echo(s, psk12("dev-1", KEY, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
      TlsSessionEstablished e = s.next(TlsSessionEstablished.class);
      assertThat(e.pskIdentity()).contains("dev-1");
      assertThat(e.cipherSuite()).isEqualTo("TLS_PSK_WITH_AES_128_CCM_8");
      assertThat(e.protocol()).isEqualTo("TLSv1.2");
      assertThat(e.engine()).isEqualTo(TlsEngine.BCTLS);
      assertThat(e.identity()).isEmpty();
    }
  }

  @Test
  void recordThatDoesNotDecryptAfterTheHandshake_closesTheConnection() throws Exception {
    try (TlsTestServer s =
            new TlsTestServer(
                pskListener(pskFile("g", "dev-1:00112233445566778899aabbccddeeff\n")));
        Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setSoTimeout(10_000);
      TlsClientProtocol p =
          new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
      p.connect(psk12("dev-1", KEY, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
      s.next(TlsSessionEstablished.class);
      byte[] forged = new byte[5 + 24];
      forged[0] = 23; // application_data, TLS 1.2, 24 bytes of nonce, ciphertext and tag
      forged[1] = 3;
      forged[2] = 3;
      forged[4] = 24;
      socket.getOutputStream().write(forged);
      socket.getOutputStream().flush();
      // the server answers with its alert and closes: the raw stream ends within the timeout
      InputStream raw = socket.getInputStream();
      int read = 0;
      while (raw.read() >= 0 && read < 1000) {
        read++;
      }
      assertThat(read).isLessThan(1000);
    }
  }

  @Test
  void tls12EcdhePsk_andTls13ExternalPsk_established() throws Exception {
    try (TlsTestServer s =
        new TlsTestServer(pskListener(pskFile("b", "dev-1:00112233445566778899aabbccddeeff\n")))) {
      echo(s, psk12("dev-1", KEY, CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256));
      assertThat(s.next(TlsSessionEstablished.class).cipherSuite())
          .isEqualTo("TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256");
      echo(s, psk13("dev-1", KEY));
      TlsSessionEstablished e = s.next(TlsSessionEstablished.class);
      assertThat(e.protocol()).isEqualTo("TLSv1.3");
      assertThat(e.cipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
      assertThat(e.pskIdentity()).contains("dev-1");
    }
  }

  @Test
  void opensslSClientPsk_tls12Ccm8_andTls13() throws Exception {
    try (TlsTestServer s =
        new TlsTestServer(pskListener(pskFile("o", "dev-1:00112233445566778899aabbccddeeff\n")))) {
      String hex = HexFormat.of().formatHex(KEY);
      String out12 =
          SClient.run(
              dir,
              s.port(),
              "-psk",
              hex,
              "-psk_identity",
              "dev-1",
              "-tls1_2",
              "-cipher",
              "PSK-AES128-CCM8");
      assertThat(out12).contains("ping-echo").contains("PSK-AES128-CCM8");
      assertThat(s.next(TlsSessionEstablished.class).cipherSuite())
          .isEqualTo("TLS_PSK_WITH_AES_128_CCM_8");
      String out13 = SClient.run(dir, s.port(), "-psk", hex, "-psk_identity", "dev-1");
      assertThat(out13).contains("ping-echo").contains("TLSv1.3");
      TlsSessionEstablished e = s.next(TlsSessionEstablished.class);
      assertThat(e.protocol()).isEqualTo("TLSv1.3");
      assertThat(e.pskIdentity()).contains("dev-1");
    }
  }

  @Test
  void wrongKeyAndUnknownIdentity_namedInTheLog_sameAlertToTheClient() throws Exception {
    byte[] wrong = HexFormat.of().parseHex("ff112233445566778899aabbccddeeff");
    try (TlsTestServer s =
        new TlsTestServer(pskListener(pskFile("c", "dev-1:00112233445566778899aabbccddeeff\n")))) {
      short a = refused(s, psk12("dev-1", wrong, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256));
      TlsHandshakeFailed f = s.next(TlsHandshakeFailed.class);
      assertThat(f.cause()).isEqualTo(HandshakeFailureCause.PSK_KEY_MISMATCH);
      assertThat(f.detail()).contains("PSK identity 'dev-1'").doesNotContain("ff1122");
      short b = refused(s, psk12("nobody", KEY, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256));
      TlsHandshakeFailed g = s.next(TlsHandshakeFailed.class);
      assertThat(g.cause()).isEqualTo(HandshakeFailureCause.PSK_UNKNOWN_IDENTITY);
      assertThat(g.detail()).contains("PSK identity 'nobody' is not in psk_file");
      // RFC 4279 section 2: the client cannot tell an unknown identity from a wrong key
      assertThat(b).isEqualTo(a).isEqualTo(AlertDescription.bad_record_mac);
      refused(s, psk13("dev-1", wrong));
      assertThat(s.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.PSK_KEY_MISMATCH);
    }
  }

  @Test
  void pskFileReload_takesTheNewKey_badFileKeepsTheOld() throws Exception {
    Path f = pskFile("d", "dev-1:00112233445566778899aabbccddeeff\n");
    try (TlsTestServer s = new TlsTestServer(pskListener(f))) {
      byte[] next = HexFormat.of().parseHex("0102030405060708");
      Files.writeString(f, "dev-1:0102030405060708\n");
      assertThat(s.tls.reload()).isTrue();
      echo(s, psk12("dev-1", next, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
      s.next(TlsSessionEstablished.class);
      Files.writeString(f, "dev-1:0102030405060708\ndev-2:abc\n");
      assertThat(s.tls.reload()).isFalse();
      echo(s, psk12("dev-1", next, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
      s.next(TlsSessionEstablished.class);
    }
  }

  private static ServerTls mutualListener() throws Exception {
    return ServerTls.open(
        ServerTlsSettings.builder(dir)
            .directive("certfile", List.of(serverPair[0].toString()))
            .directive("keyfile", List.of(serverPair[1].toString()))
            .directive("cafile", List.of(caFile.toString()))
            .directive("require_certificate", List.of("true"))
            .build(),
        "mutual");
  }

  static TlsClient ccm8(TestPki.Issued client) {
    return new DefaultTlsClient(CRYPTO) {
      @Override
      protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv12.only();
      }

      @Override
      protected int[] getSupportedCipherSuites() {
        return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8};
      }

      @Override
      public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
          @Override
          public void notifyServerCertificate(TlsServerCertificate serverCertificate) {}

          @Override
          public TlsCredentials getClientCredentials(CertificateRequest request)
              throws IOException {
            try {
              TlsCertificate leaf = CRYPTO.createCertificate(client.cert().getEncoded());
              return new BcDefaultTlsCredentialedSigner(
                  new TlsCryptoParameters(context),
                  CRYPTO,
                  PrivateKeyFactory.createKey(client.keys().getPrivate().getEncoded()),
                  new Certificate(new TlsCertificate[] {leaf}),
                  SignatureAndHashAlgorithm.getInstance(
                      org.bouncycastle.tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            } catch (java.security.cert.CertificateEncodingException e) {
              throw new IOException(e);
            }
          }
        };
      }
    };
  }

  @Test
  void ccm8OnlyClient_mutualTls_onBctls_identityFromTheVerifier() throws Exception {
    try (TlsTestServer s = new TlsTestServer(mutualListener())) {
      echo(s, ccm8(device));
      TlsSessionEstablished e = s.next(TlsSessionEstablished.class);
      assertThat(e.engine()).isEqualTo(TlsEngine.BCTLS);
      assertThat(e.cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8");
      assertThat(e.identity()).map(DeviceIdentity::value).contains("dev-1");
      assertThat(e.pskIdentity()).isEmpty();
    }
  }

  @Test
  void ccm8OnlyClient_otherCa_sameCauseAsTheOtherEngines() throws Exception {
    try (TlsTestServer s = new TlsTestServer(mutualListener())) {
      short alert = refused(s, ccm8(rogueDevice));
      TlsHandshakeFailed f = s.next(TlsHandshakeFailed.class);
      assertThat(f.cause()).isEqualTo(HandshakeFailureCause.CLIENT_CERT_UNTRUSTED_ISSUER);
      assertThat(f.detail()).contains("client certificate CN=dev-1 not signed by a CA in cafile");
      assertThat(alert).isEqualTo(AlertDescription.unknown_ca);
    }
  }
}
