package dev.mqttls.doctor.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import java.util.function.Predicate;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.MaxFragmentLength;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * One TLS connection driven by BouncyCastle's low-level client, which lets the probe offer exactly
 * the versions it wants and see the server's alerts, certificate request and chain as sent. The
 * server's chain is checked by a caller-supplied predicate during the handshake; when it refuses,
 * the handshake is aborted like a device would, before any application data is sent.
 */
public final class TlsConnection implements AutoCloseable {

  /** What to offer. */
  public record Offer(
      ProtocolVersion[] versions,
      String sniName,
      String alpn,
      ClientCredentials credentials,
      TlsSession resume,
      boolean maxFragmentLength512) {}

  /** Everything observed during the handshake. */
  public static final class Observed {
    public final List<X509Certificate> serverChain = new ArrayList<>();
    public int certificateMessageBytes;
    public boolean certificateRequested;
    public final List<String> requestedCaNames = new ArrayList<>();
    public boolean clientCertSent;
    public boolean serverRefusedByUs;
    public Short alertReceived;
    public boolean handshakeComplete;
    public ProtocolVersion version;
    public ProtocolVersion serverHelloVersion;
    public int cipherSuite = -1;
    public String alpn;
    public short maxFragmentLength;
    public boolean resumed;
    public TlsSession session;
    public long handshakeNanos;
    public long handshakeBytesOut;
    public long handshakeBytesIn;

    /**
     * The named group of the key exchange the server chose (TLS 1.3 key share, 1.2 ECDHE), or -1.
     */
    public int group = -1;

    /** The cipher suite in the ServerHello, known even when the handshake fails later; or -1. */
    public int helloSuite = -1;

    /** Whether the server first answered with a HelloRetryRequest (an extra round trip). */
    public boolean helloRetry;
  }

  private final Socket socket;
  private final CountingStreams counts = new CountingStreams();
  private final TlsClientProtocol protocol;
  private final Observed observed = new Observed();
  private IOException failure;
  private Client client;

  private TlsConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.protocol =
        new TlsClientProtocol(
            counts.wrap(socket.getInputStream()), counts.wrap(socket.getOutputStream()));
  }

  /**
   * Connects and runs the handshake. Never throws for a TLS or network failure: the failure is
   * available from {@link #failure()} with what was observed up to that point.
   */
  public static TlsConnection open(
      InetSocketAddress address,
      int timeoutMillis,
      Offer offer,
      Predicate<List<X509Certificate>> serverCheck)
      throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(timeoutMillis);
    s.connect(address, timeoutMillis);
    TlsConnection c = new TlsConnection(s);
    c.handshake(offer, serverCheck);
    return c;
  }

  private static final JcaTlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new SecureRandom());

  private void handshake(Offer offer, Predicate<List<X509Certificate>> serverCheck) {
    long start = System.nanoTime();
    client = new Client(offer, serverCheck);
    try {
      protocol.connect(client);
      observed.handshakeComplete = true;
    } catch (TlsFatalAlertReceived e) {
      observed.alertReceived = e.getAlertDescription();
      failure = e;
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new IOException(e);
    }
    observed.handshakeNanos = System.nanoTime() - start;
    observed.handshakeBytesIn = counts.bytesIn();
    observed.handshakeBytesOut = counts.bytesOut();
    ServerHelloParser.Choice choice = ServerHelloParser.parse(counts.head());
    observed.group = choice.group();
    observed.helloSuite = choice.suite();
    observed.helloRetry = choice.helloRetry();
  }

  /** What was observed. */
  public Observed observed() {
    return observed;
  }

  /** The handshake failure, or null. */
  public IOException failure() {
    return failure;
  }

  /**
   * The session to resume with, as known now: TLS 1.3 tickets arrive after the handshake, so ask
   * after some application data has been read.
   */
  public TlsSession resumableSession() {
    return client == null ? null : client.resumable();
  }

  /** Application data in. */
  public InputStream in() {
    return protocol.getInputStream();
  }

  /** Application data out. */
  public OutputStream out() {
    return protocol.getOutputStream();
  }

  /** Total TLS bytes received on the socket so far. */
  public long bytesIn() {
    return counts.bytesIn();
  }

  /** Total TLS bytes sent on the socket so far. */
  public long bytesOut() {
    return counts.bytesOut();
  }

  /** The underlying socket, for timeouts. */
  public Socket socket() {
    return socket;
  }

  @Override
  public void close() {
    try {
      if (observed.handshakeComplete) {
        protocol.close();
      }
    } catch (IOException | RuntimeException e) {
      // The peer may already be gone; the socket is closed below either way.
    }
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }

  private final class Client extends DefaultTlsClient {
    private final Offer offer;
    private final Predicate<List<X509Certificate>> serverCheck;

    Client(Offer offer, Predicate<List<X509Certificate>> serverCheck) {
      super(CRYPTO);
      this.offer = offer;
      this.serverCheck = serverCheck;
    }

    TlsSession resumable() {
      return context == null ? null : context.getResumableSession();
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return offer.versions();
    }

    @Override
    protected Vector<ServerName> getSNIServerNames() {
      if (offer.sniName() == null) {
        return null;
      }
      Vector<ServerName> v = new Vector<>();
      v.add(
          new ServerName(
              NameType.host_name,
              offer.sniName().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      return v;
    }

    @Override
    protected Vector<ProtocolName> getProtocolNames() {
      if (offer.alpn() == null) {
        return null;
      }
      Vector<ProtocolName> v = new Vector<>();
      v.add(ProtocolName.asUtf8Encoding(offer.alpn()));
      return v;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
      Hashtable ext = super.getClientExtensions();
      if (offer.maxFragmentLength512()) {
        if (ext == null) {
          ext = new Hashtable();
        }
        TlsExtensionsUtils.addMaxFragmentLengthExtension(ext, MaxFragmentLength.pow2_9);
      }
      return ext;
    }

    @Override
    protected boolean allowUnexpectedServerExtension(Integer type, byte[] data) throws IOException {
      return true;
    }

    @Override
    public TlsSession getSessionToResume() {
      return offer.resume();
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
      if (level == org.bouncycastle.tls.AlertLevel.fatal) {
        observed.alertReceived = description;
      }
    }

    @Override
    public void notifyServerVersion(ProtocolVersion v) throws IOException {
      super.notifyServerVersion(v);
      observed.serverHelloVersion = v;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
      super.notifyHandshakeComplete();
      var sp = context.getSecurityParametersConnection();
      observed.version = sp.getNegotiatedVersion();
      observed.cipherSuite = sp.getCipherSuite();
      observed.alpn =
          sp.getApplicationProtocol() == null
              ? null
              : sp.getApplicationProtocol().getUtf8Decoding();
      observed.maxFragmentLength = sp.getMaxFragmentLength();
      observed.resumed = sp.isResumedSession();
      observed.session = context.getResumableSession();
    }

    @Override
    public TlsAuthentication getAuthentication() {
      return new TlsAuthentication() {
        @Override
        public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
          Certificate c = sc.getCertificate();
          int size = TlsUtils.isTLSv13(context) ? 4 + 1 : 4;
          for (TlsCertificate t : c.getCertificateList()) {
            byte[] der = t.getEncoded();
            size += 3 + der.length + (TlsUtils.isTLSv13(context) ? 2 : 0);
            observed.serverChain.add(Pem.toX509(der));
          }
          observed.certificateMessageBytes = size + 3;
          // Read here, before the verdict, so that a probe that stops at the certificate has it.
          observed.maxFragmentLength =
              context.getSecurityParametersHandshake().getMaxFragmentLength();
          if (!serverCheck.test(List.copyOf(observed.serverChain))) {
            observed.serverRefusedByUs = true;
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
          }
        }

        @Override
        public TlsCredentials getClientCredentials(CertificateRequest req) throws IOException {
          observed.certificateRequested = true;
          if (req.getCertificateAuthorities() != null) {
            for (Object o : req.getCertificateAuthorities()) {
              observed.requestedCaNames.add(((X500Name) o).toString());
            }
          }
          ClientCredentials cc = offer.credentials();
          if (cc == null) {
            return null;
          }
          boolean tls13 = TlsUtils.isTLSv13(context);
          SignatureAndHashAlgorithm alg = chooseSignature(req, cc, tls13);
          if (alg == null && !tls13 && req.getSupportedSignatureAlgorithms() == null) {
            alg = null; // TLS 1.0/1.1 carry no algorithm list.
          } else if (alg == null) {
            return null;
          }
          TlsCertificate[] certs = new TlsCertificate[cc.chain().size()];
          for (int i = 0; i < certs.length; i++) {
            try {
              certs[i] = CRYPTO.createCertificate(cc.chain().get(i).getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
              throw new IOException(e);
            }
          }
          Certificate bc;
          if (tls13) {
            CertificateEntry[] entries = new CertificateEntry[certs.length];
            for (int i = 0; i < certs.length; i++) {
              entries[i] = new CertificateEntry(certs[i], null);
            }
            bc = new Certificate(req.getCertificateRequestContext(), entries);
          } else {
            bc = new Certificate(certs);
          }
          observed.clientCertSent = true;
          return new JcaDefaultTlsCredentialedSigner(
              new TlsCryptoParameters(context), CRYPTO, cc.key(), bc, alg);
        }
      };
    }
  }

  @SuppressWarnings("unchecked")
  private static SignatureAndHashAlgorithm chooseSignature(
      CertificateRequest req, ClientCredentials cc, boolean tls13) {
    Vector<SignatureAndHashAlgorithm> offered = req.getSupportedSignatureAlgorithms();
    if (offered == null) {
      return null;
    }
    String keyAlg = cc.key().getAlgorithm().toUpperCase(java.util.Locale.ROOT);
    List<SignatureAndHashAlgorithm> prefs = new ArrayList<>();
    switch (keyAlg) {
      case "EC", "ECDSA" -> {
        String desc = Certs.keyDescription(cc.chain().get(0).getPublicKey());
        short hash =
            desc.endsWith("P-384")
                ? org.bouncycastle.tls.HashAlgorithm.sha384
                : desc.endsWith("P-521")
                    ? org.bouncycastle.tls.HashAlgorithm.sha512
                    : org.bouncycastle.tls.HashAlgorithm.sha256;
        prefs.add(SignatureAndHashAlgorithm.getInstance(hash, SignatureAlgorithm.ecdsa));
        if (!tls13) {
          prefs.add(
              SignatureAndHashAlgorithm.getInstance(
                  org.bouncycastle.tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
      }
      case "RSA" -> {
        if (tls13) {
          prefs.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
        } else {
          prefs.add(
              SignatureAndHashAlgorithm.getInstance(
                  org.bouncycastle.tls.HashAlgorithm.sha256, SignatureAlgorithm.rsa));
          prefs.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
        }
      }
      case "ED25519" -> prefs.add(SignatureAndHashAlgorithm.ed25519);
      default -> {
        return null;
      }
    }
    for (SignatureAndHashAlgorithm p : prefs) {
      if (offered.contains(p)) {
        return p;
      }
    }
    return null;
  }
}
