package dev.mqttls.tls.client;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the one client certificate the user configured, whatever CAs and key types the broker
 * says it accepts. The JDK's key managers filter by the broker's certificate_authorities list and
 * send nothing when the issuer is not on it; the broker then reports a missing certificate instead
 * of the real cause (unknown CA). OpenSSL, and so {@code mosquitto_pub}, always sends the
 * configured certificate; so do we. Cluster nodes, which are client and server to each other, use
 * {@link #inBothRoles} so that the other node's log names the real cause too.
 */
public final class AlwaysPresentKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "mqttls";

  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final boolean server;

  private AlwaysPresentKeyManager(PrivateKey key, X509Certificate[] chain, boolean server) {
    this.key = key;
    this.chain = chain.clone();
    this.server = server;
  }

  /** Presents {@code chain} as a client only (no server alias). */
  public static AlwaysPresentKeyManager asClient(PrivateKey key, X509Certificate[] chain) {
    return new AlwaysPresentKeyManager(key, chain, false);
  }

  /** Presents {@code chain} both as a client and as a server. */
  public static AlwaysPresentKeyManager inBothRoles(PrivateKey key, X509Certificate[] chain) {
    return new AlwaysPresentKeyManager(key, chain, true);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return server ? new String[] {ALIAS} : new String[0];
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return server ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return server ? ALIAS : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
