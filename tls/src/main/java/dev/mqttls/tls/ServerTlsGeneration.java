package dev.mqttls.tls;

import dev.mqttls.tls.bctls.BcTlsConfig;
import dev.mqttls.tls.bctls.BcTlsContext;
import dev.mqttls.tls.bctls.ClientCertificateCheck;
import dev.mqttls.tls.internal.CipherSuites;
import dev.mqttls.tls.psk.PskFile;
import dev.mqttls.tls.psk.PskKeys;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/**
 * One loaded, validated set of a listener's material and the contexts built from it. Immutable;
 * {@link ServerTls} swaps whole generations, so a connection sees one consistent set.
 */
final class ServerTlsGeneration {
  /**
   * The contexts serving one certificate (the default or one SNI name); {@code bctls} also serves
   * the listener's PSK clients.
   */
  record Site(TlsMaterial material, SslContext openssl, SslContext jdk, BcTlsContext bctls) {
    SslContext context(TlsEngine engine) {
      return engine == TlsEngine.OPENSSL && openssl != null ? openssl : jdk;
    }
  }

  /** Null on a PSK-only listener (psk_hint without certfile). */
  final Site defaultSite;

  final Map<String, Site> sniSites;

  /** The listener's identities and keys, null without psk_hint. */
  final PskKeys pskKeys;

  /** The bctls context of a PSK-only listener, null otherwise (then each site has one). */
  final BcTlsContext pskOnly;

  final ClientCertificateVerifier verifier;
  final List<ClientCertificateVerifier.LoadedCrl> crls;
  final List<String> protocols;
  final List<String> suites;
  final Instant loadedAt = Instant.now();

  private ServerTlsGeneration(
      Site defaultSite,
      Map<String, Site> sniSites,
      ClientCertificateVerifier verifier,
      List<ClientCertificateVerifier.LoadedCrl> crls,
      List<String> protocols,
      List<String> suites,
      PskKeys pskKeys,
      BcTlsContext pskOnly) {
    this.pskKeys = pskKeys;
    this.pskOnly = pskOnly;
    this.defaultSite = defaultSite;
    this.sniSites = sniSites;
    this.verifier = verifier;
    this.crls = crls;
    this.protocols = protocols;
    this.suites = suites;
  }

  /** The bctls context for a connection that gets {@code site} (null on a PSK-only listener). */
  BcTlsContext bctls(Site site) {
    return site == null ? pskOnly : site.bctls();
  }

  Site site(Optional<String> sni) {
    if (sni.isPresent() && defaultSite != null) {
      String name = sni.get().toLowerCase(Locale.ROOT);
      Site s = sniSites.get(name);
      if (s != null) {
        return s;
      }
      int dot = name.indexOf('.');
      if (dot > 0) {
        s = sniSites.get("*" + name.substring(dot));
        if (s != null) {
          return s;
        }
      }
    }
    return defaultSite;
  }

  /** Reads and checks every file, then builds contexts. No side effects on failure. */
  static ServerTlsGeneration load(
      ServerTlsSettings s,
      boolean opensslUsable,
      List<OpenSslSessionTicketKey> ticketKeys,
      CertificateSightings sightings,
      Logger log,
      String listener)
      throws TlsMaterialException {
    Instant now = Instant.now();
    PskKeys pskKeys = s.pskFile().isPresent() ? PskFile.read(s.pskFile().get()) : null;
    if (!s.hasCertificate()) {
      BcTlsContext pskOnly = bctls(s, null, null, pskKeys);
      return new ServerTlsGeneration(
          null, Map.of(), null, List.of(), protocols(s.minVersion()), List.of(), pskKeys, pskOnly);
    }
    char[] password = ServerTls.resolvePassword(s);
    TlsMaterial material =
        loadServerMaterial(s.certFile().orElse(null), s.keyFile().get(), password);
    material.checkValidAt(now);

    ClientCertificateVerifier verifier = null;
    List<ClientCertificateVerifier.LoadedCrl> crls = List.of();
    if (s.requireCertificate() || s.caFile().isPresent() || s.caPath().isPresent()) {
      List<X509Certificate> cas = new ArrayList<>();
      List<String> caNames = new ArrayList<>();
      if (s.caFile().isPresent()) {
        cas.addAll(PemReader.readCertificates(s.caFile().get()));
        caNames.add("cafile " + s.caFile().get().getFileName());
      }
      if (s.caPath().isPresent()) {
        cas.addAll(readCaPath(s.caPath().get(), log, listener));
        caNames.add("capath " + s.caPath().get());
      }
      if (cas.isEmpty()) {
        throw new TlsMaterialException(s.caPath().orElse(null), "capath holds no CA certificate");
      }
      if (s.crlFile().isPresent()) {
        crls = loadCrls(s.crlFile().get(), cas, now, log, listener);
      }
      if (s.requireCertificate()) {
        verifier =
            new ClientCertificateVerifier(
                cas,
                crls,
                s.crlExpiredPolicy() == ServerTlsSettings.CrlExpiredPolicy.REFUSE,
                s.certIdentity(),
                String.join(" or ", caNames),
                s.maxChainDepth());
      }
    }
    if (s.dhParamFile().isPresent()) {
      byte[] dh = PemReader.read(s.dhParamFile().get());
      if (!new String(dh, java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains("-----BEGIN DH PARAMETERS-----")) {
        throw new TlsMaterialException(s.dhParamFile().get(), "not a PEM DH PARAMETERS file");
      }
    }

    List<String> protocols = protocols(s.minVersion());
    List<String> suites = suites(s);

    Site def =
        site(
            s,
            material,
            verifier,
            sightings,
            protocols,
            suites,
            opensslUsable,
            ticketKeys,
            pskKeys);
    Map<String, Site> sni = new LinkedHashMap<>();
    for (ServerTlsSettings.SniCertificate sc : s.sniCertificates().values()) {
      TlsMaterial m = loadServerMaterial(sc.certFile(), sc.keyFile(), password);
      m.checkValidAt(now);
      sni.put(
          sc.serverName(),
          site(s, m, verifier, sightings, protocols, suites, opensslUsable, ticketKeys, pskKeys));
    }
    return new ServerTlsGeneration(
        def, Map.copyOf(sni), verifier, crls, protocols, suites, pskKeys, null);
  }

  private static TlsMaterial loadServerMaterial(Path certFile, Path keyFile, char[] password)
      throws TlsMaterialException {
    if (certFile == null || certFile.equals(keyFile)) {
      if (isKeyStoreName(keyFile)) {
        return TlsMaterial.loadKeyStore(keyFile, password);
      }
      if (certFile == null) {
        throw new TlsMaterialException(
            keyFile, "no certfile given, and keyfile is not a PKCS#12 or JKS store");
      }
    }
    return TlsMaterial.load(certFile, keyFile, password);
  }

  private static boolean isKeyStoreName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".p12") || n.endsWith(".pfx") || n.endsWith(".jks");
  }

  private static List<X509Certificate> readCaPath(Path dir, Logger log, String listener)
      throws TlsMaterialException {
    if (!Files.isDirectory(dir)) {
      throw new TlsMaterialException(dir, "capath is not a directory");
    }
    List<X509Certificate> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (!Files.isRegularFile(f)) {
          continue;
        }
        try {
          out.addAll(PemReader.readCertificates(f));
        } catch (TlsMaterialException e) {
          log.debug("listener {}: capath: skipping {}", listener, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new TlsMaterialException(dir, "cannot list capath: " + e, e);
    }
    return out;
  }

  private static List<ClientCertificateVerifier.LoadedCrl> loadCrls(
      Path file, List<X509Certificate> cas, Instant now, Logger log, String listener)
      throws TlsMaterialException {
    List<ClientCertificateVerifier.LoadedCrl> out = new ArrayList<>();
    for (X509CRL crl : PemReader.readCrls(file)) {
      X509Certificate issuer = null;
      for (X509Certificate ca : cas) {
        if (ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
          try {
            crl.verify(ca.getPublicKey());
            issuer = ca;
            break;
          } catch (GeneralSecurityException e) {
            // same name, other key: keep looking
          }
        }
      }
      if (issuer == null) {
        throw new TlsMaterialException(
            file,
            "CRL of "
                + crl.getIssuerX500Principal().getName()
                + " is not signed by a CA in cafile/capath");
      }
      if (crl.getNextUpdate() != null && Date.from(now).after(crl.getNextUpdate())) {
        log.warn(
            "listener {}: crlfile {}: CRL of {} expired {} (nextUpdate); still used"
                + " (crl_expired warn unless set to refuse): publish a fresh CRL",
            listener,
            file,
            crl.getIssuerX500Principal().getName(),
            crl.getNextUpdate().toInstant());
      }
      out.add(new ClientCertificateVerifier.LoadedCrl(crl, file, issuer));
    }
    return List.copyOf(out);
  }

  static List<String> protocols(String min) {
    List<String> all = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    return List.copyOf(all.subList(all.indexOf(min), all.size()));
  }

  private static List<String> suites(ServerTlsSettings s) throws TlsMaterialException {
    List<String> out = new ArrayList<>();
    out.addAll(s.ciphersTls13().isEmpty() ? CipherSuites.DEFAULT_TLS13 : s.ciphersTls13());
    if (s.ciphers().isEmpty()) {
      out.addAll(CipherSuites.DEFAULT_TLS12);
    } else {
      for (String c : s.ciphers()) {
        String java =
            c.startsWith("TLS_") || c.startsWith("SSL_")
                ? c
                : CipherSuiteConverter.toJava(c, "TLS");
        if (java == null) {
          throw new TlsMaterialException(
              null,
              "ciphers: unknown cipher suite '"
                  + c
                  + "'; give OpenSSL names (ECDHE-ECDSA-AES128-GCM-SHA256) or IANA names"
                  + " separated by ':'");
        }
        out.add(java);
      }
    }
    return List.copyOf(out);
  }

  private static Site site(
      ServerTlsSettings s,
      TlsMaterial m,
      ClientCertificateVerifier verifier,
      CertificateSightings sightings,
      List<String> protocols,
      List<String> suites,
      boolean opensslUsable,
      List<OpenSslSessionTicketKey> ticketKeys,
      PskKeys pskKeys)
      throws TlsMaterialException {
    SslContext jdk = build(s, m, verifier, sightings, protocols, suites, SslProvider.JDK);
    SslContext openssl = null;
    if (opensslUsable) {
      openssl = build(s, m, verifier, sightings, protocols, suites, SslProvider.OPENSSL);
      applyTicketKeys(openssl, ticketKeys);
    }
    return new Site(m, openssl, jdk, bctls(s, m, verifier, pskKeys));
  }

  /**
   * The bctls context: PSK when the listener has psk_hint, the certificate (for clients that offer
   * only CCM / CCM-8 suites) when it has one, verifying client certificates with the same verifier
   * as the other engines.
   */
  private static BcTlsContext bctls(
      ServerTlsSettings s, TlsMaterial m, ClientCertificateVerifier verifier, PskKeys pskKeys)
      throws TlsMaterialException {
    Optional<ClientCertificateCheck> check = Optional.empty();
    if (verifier != null) {
      check =
          Optional.of(
              new ClientCertificateCheck() {
                @Override
                public void verify(X509Certificate[] chain) throws CertificateException {
                  verifier.verify(chain);
                }

                @Override
                public int alertFor(CertificateException refusal) {
                  return refusal instanceof ClientCertificateRejected r
                      ? r.alert()
                      : ClientCertificateRejected.BAD_CERTIFICATE;
                }
              });
    }
    BcTlsConfig config =
        new BcTlsConfig(
            s.pskHint(),
            Optional.ofNullable(pskKeys),
            m == null ? Optional.empty() : Optional.of(m.privateKey()),
            m == null ? List.of() : (s.sendRoot() ? m.chain() : m.chainWithoutRoot()),
            check,
            protocols(s.minVersion()).contains("TLSv1.2"),
            protocols(s.minVersion()).contains("TLSv1.3"),
            s.maxChainDepth() + 1);
    try {
      return BcTlsContext.create(config);
    } catch (IOException | RuntimeException e) {
      throw new TlsMaterialException(
          m == null ? null : m.certFile(),
          "the bctls engine cannot use this key: " + e.getClass().getSimpleName(),
          e);
    }
  }

  static void applyTicketKeys(SslContext ctx, List<OpenSslSessionTicketKey> keys) {
    if (ctx != null && ctx.sessionContext() instanceof OpenSslSessionContext && !keys.isEmpty()) {
      ((OpenSslSessionContext) ctx.sessionContext())
          .setTicketKeys(keys.toArray(new OpenSslSessionTicketKey[0]));
    }
  }

  private static SslContext build(
      ServerTlsSettings s,
      TlsMaterial m,
      ClientCertificateVerifier verifier,
      CertificateSightings sightings,
      List<String> protocols,
      List<String> suites,
      SslProvider provider)
      throws TlsMaterialException {
    List<X509Certificate> chain = s.sendRoot() ? m.chain() : m.chainWithoutRoot();
    SslContextBuilder b =
        SslContextBuilder.forServer(m.privateKey(), chain)
            .sslProvider(provider)
            .protocols(protocols)
            .ciphers(suites, SupportedCipherSuiteFilter.INSTANCE)
            .sessionTimeout(24 * 3600);
    if (verifier != null) {
      // REQUIRE, so that a client without a certificate is refused inside the handshake with the
      // alert a device expects (certificate_required in TLS 1.3, handshake_failure or
      // bad_certificate in 1.2), as Mosquitto does. The engine then never calls the trust
      // manager; CertificateSightings records whether it did, which names the cause.
      b.clientAuth(ClientAuth.REQUIRE)
          .trustManager(
              new ListenerTrustManager(verifier, sightings, provider == SslProvider.OPENSSL));
    }
    if (!s.alpn().isEmpty()) {
      b.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              s.alpn()));
    }
    if (provider == SslProvider.OPENSSL) {
      // Server preference: x25519 and P-256 first, whatever the device lists first.
      b.option(OpenSslContextOption.GROUPS, new String[] {"X25519", "P-256", "P-384", "P-521"});
      // Certificate and key callbacks are quick (key material is cached, client chains are
      // verified in about 0.1 ms): running them inline spares the delegated-task round trip.
      b.option(OpenSslContextOption.USE_TASKS, false);
    }
    try {
      return provider == SslProvider.JDK ? buildWithoutStatelessTickets(b) : b.build();
    } catch (SSLException | RuntimeException e) {
      throw new TlsMaterialException(
          m.certFile(),
          "cannot build a " + provider + " TLS context with this certificate and key: " + e,
          e);
    }
  }

  private static final String JDK_SERVER_TICKETS = "jdk.tls.server.enableSessionTicketExtension";
  private static final Object TICKET_PROPERTY_LOCK = new Object();

  /**
   * SunJSSE's TLS 1.2 stateless ticket carries the client's certificate chain: about 1.5 KiB in one
   * NewSessionTicket message, which a max_fragment_length of 1024 splits across records, and
   * mbedTLS cannot reassemble a handshake message split across records. So the JDK engine keeps
   * sessions in its (bounded) server cache instead: resumption by session id (TLS 1.2) and stateful
   * PSK (TLS 1.3) still work. SunJSSE reads this property when an SSLContext creates its session
   * context, so it is set only around that moment; contexts other code builds in that instant would
   * merely resume statefully too.
   */
  private static SslContext buildWithoutStatelessTickets(SslContextBuilder b) throws SSLException {
    synchronized (TICKET_PROPERTY_LOCK) {
      String before = System.getProperty(JDK_SERVER_TICKETS);
      System.setProperty(JDK_SERVER_TICKETS, "false");
      try {
        return b.build();
      } finally {
        if (before == null) {
          System.clearProperty(JDK_SERVER_TICKETS);
        } else {
          System.setProperty(JDK_SERVER_TICKETS, before);
        }
      }
    }
  }

  static boolean opensslAvailable() {
    return OpenSsl.isAvailable();
  }
}
