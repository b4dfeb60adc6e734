package dev.mqttls.tls.bctls;

import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The bctls engine for one listener's material set, as an {@code SslContext} is for the other
 * engines: made once per load (the certificate key is converted here), then a {@link BcTlsHandler}
 * per connection. Immutable and thread-safe.
 */
public final class BcTlsContext {
  private final BcTlsConfig config;
  private final AsymmetricKeyParameter signingKey;

  private BcTlsContext(BcTlsConfig config, AsymmetricKeyParameter signingKey) {
    this.config = config;
    this.signingKey = signingKey;
  }

  /**
   * A context for {@code config}.
   *
   * @throws IOException when the certificate key cannot be used by this engine
   */
  public static BcTlsContext create(BcTlsConfig config) throws IOException {
    BcTlsContext c = new BcTlsContext(config, BcServer.signingKey(config));
    // Loads (and has the JVM verify the signed jar of) the engine's classes now, at start-up or
    // reload, rather than inside the first device's handshake and its timeout.
    new BcServer(new BcTlsCrypto(new SecureRandom()), config, c.signingKey);
    new TlsServerProtocol();
    return c;
  }

  /** What connections of this context may negotiate. */
  public BcTlsConfig config() {
    return config;
  }

  /**
   * A handler for one new connection; add it where {@code SslHandler} would go.
   *
   * @param handshakeTimeoutMillis time left for the handshake; on expiry it fails as a timeout
   */
  public ChannelHandler newHandler(long handshakeTimeoutMillis) {
    return new BcTlsHandler(config, signingKey, handshakeTimeoutMillis);
  }
}
