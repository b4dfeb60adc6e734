package dev.mqttls.tls.bctls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Vector;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The bctls server of one connection: PSK suites first (a client that offers them has a key), then
 * the certificate suites with CCM-8 and CCM first, for the small devices that are sent here. TLS
 * 1.3 only with an external PSK; certificates over TLS 1.2. Records what the client offered so the
 * handler can name a failure. Confined to the connection's event loop.
 */
final class BcServer extends AbstractTlsServer {
  private static final int[] PSK_SUITES = {
    CipherSuite.TLS_AES_128_GCM_SHA256,
    CipherSuite.TLS_AES_256_GCM_SHA384,
    CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_AES_128_CCM_SHA256,
    CipherSuite.TLS_AES_128_CCM_8_SHA256,
    CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256,
    CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256,
    CipherSuite.TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
    CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
    CipherSuite.TLS_PSK_WITH_AES_128_CCM,
    CipherSuite.TLS_PSK_WITH_AES_256_CCM_8,
    CipherSuite.TLS_PSK_WITH_AES_256_CCM,
    CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
    // what the nRF91 modem also offers; CBC with SHA-1 MAC, kept last
    CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA,
    CipherSuite.TLS_PSK_WITH_AES_256_CBC_SHA,
  };

  private static final int[] ECDSA_SUITES = {
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CCM,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  };

  private static final int[] RSA_SUITES = {
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM_8,
    CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM,
  };

  private final BcTlsCrypto crypto;
  private final BcTlsConfig config;
  private final AsymmetricKeyParameter signingKey;
  private final Certificate certificate;
  private boolean complete;
  private String offeredIdentity;
  private boolean identityKnown;
  private List<X509Certificate> peerChain = List.of();
  private int alertReceived = -1;

  BcServer(BcTlsCrypto crypto, BcTlsConfig config, AsymmetricKeyParameter signingKey) {
    super(crypto);
    this.crypto = crypto;
    this.config = config;
    this.signingKey = signingKey;
    this.certificate = config.certificates() ? certificate(crypto, config.chain()) : null;
  }

  /** The certificate key in Bouncy Castle's form, converted once per material set. */
  static AsymmetricKeyParameter signingKey(BcTlsConfig config) throws IOException {
    if (config.privateKey().isEmpty()) {
      return null;
    }
    return PrivateKeyFactory.createKey(config.privateKey().get().getEncoded());
  }

  private static Certificate certificate(BcTlsCrypto crypto, List<X509Certificate> chain) {
    TlsCertificate[] out = new TlsCertificate[chain.size()];
    try {
      for (int i = 0; i < out.length; i++) {
        out[i] = crypto.createCertificate(chain.get(i).getEncoded());
      }
    } catch (IOException | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("certificate of the listener cannot be encoded", e);
    }
    return new Certificate(out);
  }

  boolean complete() {
    return complete;
  }

  Optional<String> offeredIdentity() {
    return Optional.ofNullable(offeredIdentity);
  }

  boolean identityKnown() {
    return identityKnown;
  }

  List<X509Certificate> peerChain() {
    return peerChain;
  }

  int alertReceived() {
    return alertReceived;
  }

  String negotiatedVersion() {
    ProtocolVersion v =
        context == null || context.getSecurityParametersHandshake() == null
            ? null
            : context.getSecurityParametersHandshake().getNegotiatedVersion();
    if (v == null && context != null && context.getSecurityParametersConnection() != null) {
      v = context.getSecurityParametersConnection().getNegotiatedVersion();
    }
    return v == null ? "-" : javaName(v);
  }

  int negotiatedSuite() {
    return context.getSecurityParametersConnection().getCipherSuite();
  }

  static String javaName(ProtocolVersion v) {
    if (ProtocolVersion.TLSv13.equals(v)) {
      return "TLSv1.3";
    }
    if (ProtocolVersion.TLSv12.equals(v)) {
      return "TLSv1.2";
    }
    return v.getName();
  }

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    boolean tls13 = config.psk() && config.allowTls13();
    if (tls13 && config.allowTls12()) {
      return ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    }
    // tls_version tlsv1.3 on a certificate-only use of this engine leaves nothing to offer: the
    // client is refused with protocol_version, as the listener's minimum asks
    return tls13 || !config.allowTls12()
        ? ProtocolVersion.TLSv13.only()
        : ProtocolVersion.TLSv12.only();
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    List<Integer> out = new ArrayList<>();
    if (config.psk()) {
      for (int s : PSK_SUITES) {
        out.add(s);
      }
    }
    if (certificate != null) {
      for (int s : signingKey instanceof ECPrivateKeyParameters ? ECDSA_SUITES : RSA_SUITES) {
        out.add(s);
      }
    }
    int[] suites = out.stream().mapToInt(Integer::intValue).toArray();
    return TlsUtils.getSupportedCipherSuites(crypto, suites);
  }

  @Override
  protected boolean preferLocalCipherSuites() {
    return true;
  }

  @Override
  public int getMaxCertificateChainLength() {
    return config.maxChainLength();
  }

  @Override
  public TlsPSKIdentityManager getPSKIdentityManager() {
    if (!config.psk()) {
      return null;
    }
    return new TlsPSKIdentityManager() {
      @Override
      public byte[] getHint() {
        return config.pskHint().map(h -> h.getBytes(StandardCharsets.UTF_8)).orElse(null);
      }

      @Override
      public byte[] getPSK(byte[] identity) {
        return lookup(identity);
      }
    };
  }

  // An unknown identity gets a random key, so the client sees the same failure as for a wrong
  // key (RFC 4279 section 2): nothing tells it which identities exist.
  private byte[] lookup(byte[] identity) {
    offeredIdentity = new String(identity, StandardCharsets.UTF_8);
    Optional<byte[]> key = config.pskKeys().get().key(offeredIdentity);
    identityKnown = key.isPresent();
    return key.orElseGet(
        () -> {
          byte[] random = new byte[32];
          crypto.getSecureRandom().nextBytes(random);
          return random;
        });
  }

  @Override
  @SuppressWarnings("rawtypes") // bctls's signature
  public TlsPSKExternal getExternalPSK(Vector identities) {
    if (!config.psk()) {
      return null;
    }
    for (Object o : identities) {
      byte[] id = ((PskIdentity) o).getIdentity();
      String name = new String(id, StandardCharsets.UTF_8);
      Optional<byte[]> key = config.pskKeys().get().key(name);
      if (key.isPresent()) {
        offeredIdentity = name;
        identityKnown = true;
        return new BasicTlsPSKExternal(id, crypto.createSecret(key.get()));
      }
      if (offeredIdentity == null) {
        offeredIdentity = name;
      }
    }
    return null;
  }

  @Override
  public TlsCredentials getCredentials() throws IOException {
    int kx = context.getSecurityParametersHandshake().getKeyExchangeAlgorithm();
    switch (kx) {
      case KeyExchangeAlgorithm.PSK:
      case KeyExchangeAlgorithm.ECDHE_PSK:
      case KeyExchangeAlgorithm.DHE_PSK:
        return null;
      case KeyExchangeAlgorithm.ECDHE_ECDSA:
        return signer(SignatureAlgorithm.ecdsa);
      case KeyExchangeAlgorithm.ECDHE_RSA:
      case KeyExchangeAlgorithm.DHE_RSA:
        return signer(SignatureAlgorithm.rsa);
      case KeyExchangeAlgorithm.NULL:
        // TLS 1.3 without an accepted external PSK: this engine serves TLS 1.3 to PSK clients
        // only. The PSK offered, if any, was unknown or its binder (the key) did not verify.
        throw new TlsFatalAlert(AlertDescription.handshake_failure);
      default:
        throw new TlsFatalAlert(AlertDescription.internal_error);
    }
  }

  private TlsCredentials signer(short signatureAlgorithm) throws IOException {
    if (certificate == null) {
      throw new TlsFatalAlert(AlertDescription.internal_error);
    }
    SignatureAndHashAlgorithm sh =
        TlsUtils.chooseSignatureAndHashAlgorithm(
            context,
            context.getSecurityParametersHandshake().getClientSigAlgs(),
            signatureAlgorithm);
    return new BcDefaultTlsCredentialedSigner(
        new TlsCryptoParameters(context), crypto, signingKey, certificate, sh);
  }

  @Override
  public CertificateRequest getCertificateRequest() throws IOException {
    if (config.clientCertificates().isEmpty() || TlsUtils.isTLSv13(context)) {
      return null;
    }
    int kx = context.getSecurityParametersHandshake().getKeyExchangeAlgorithm();
    if (kx == KeyExchangeAlgorithm.PSK
        || kx == KeyExchangeAlgorithm.ECDHE_PSK
        || kx == KeyExchangeAlgorithm.DHE_PSK) {
      return null; // as OpenSSL: a PSK handshake is authenticated by the key
    }
    return new CertificateRequest(
        new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
        TlsUtils.getDefaultSupportedSignatureAlgorithms(context),
        null);
  }

  @Override
  public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
    ClientCertificateCheck check = config.clientCertificates().orElse(null);
    X509Certificate[] chain;
    try {
      chain = x509(clientCertificate);
    } catch (CertificateException e) {
      throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
    }
    peerChain = List.of(chain);
    if (check == null) {
      return;
    }
    try {
      check.verify(chain);
    } catch (CertificateException refusal) {
      throw new TlsFatalAlert((short) check.alertFor(refusal), refusal);
    }
  }

  private static X509Certificate[] x509(Certificate c) throws CertificateException, IOException {
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    X509Certificate[] out = new X509Certificate[c.getLength()];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          (X509Certificate)
              f.generateCertificate(new ByteArrayInputStream(c.getCertificateAt(i).getEncoded()));
    }
    return out;
  }

  @Override
  public void notifyAlertReceived(short level, short description) {
    if (level == org.bouncycastle.tls.AlertLevel.fatal) {
      alertReceived = description;
    }
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    complete = true;
  }
}
