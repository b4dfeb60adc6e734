package dev.mqttls.tls;

import dev.mqttls.tls.internal.MaterialWatcher;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of one broker listener: loads and validates the material at {@link #open}, makes a
 * per-connection handler with {@link #newHandler()}, and reloads the material when its files change
 * or {@link #reload()} is called (SIGHUP). A new set of files is validated as a whole and swapped
 * atomically for new connections; a bad set is refused with one log line and the old set stays in
 * use. Thread-safe.
 */
public final class ServerTls implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.tls");
  private static final Duration TICKET_KEY_LIFETIME = Duration.ofHours(12);

  private final ServerTlsSettings settings;
  private final String listenerName;
  private final TlsEngine defaultEngine;
  private final AtomicBoolean mflSwitchLogged = new AtomicBoolean();
  private final CertificateSightings sightings = new CertificateSightings();
  private final SecureRandom random = new SecureRandom();
  private volatile List<OpenSslSessionTicketKey> ticketKeys;
  private volatile long ticketKeysRotatedNanos;
  private volatile ServerTlsGeneration generation;
  private final MaterialWatcher watcher;
  private volatile boolean closed;
  // The load logs the first warning; the daily check starts a day later.
  private long lastCrlWarnNanos = System.nanoTime();

  private static final String JDK_CHAIN_LENGTH = "jdk.tls.maxCertificateChainLength";

  static {
    // The JDK engine (17) refuses a chain longer than 10 certificates before any trust manager
    // sees it, as if none had been sent. Raised past the largest tls_max_chain_depth, so that
    // ClientCertificateVerifier decides and names the cause. The JDK reads it once: an operator's
    // own -D setting is kept.
    if (System.getProperty(JDK_CHAIN_LENGTH) == null) {
      System.setProperty(JDK_CHAIN_LENGTH, String.valueOf(ServerTlsSettings.MAX_CHAIN_DEPTH + 1));
    }
  }

  private ServerTls(ServerTlsSettings settings, String listenerName, TlsEngine engine) {
    this.settings = settings;
    this.listenerName = listenerName;
    this.defaultEngine = engine;
    this.ticketKeys = List.of(newTicketKey());
    this.ticketKeysRotatedNanos = System.nanoTime();
    this.watcher =
        new MaterialWatcher(
            listenerName, watchedFiles(settings), this::onFilesChanged, this::dailyChecks);
  }

  /**
   * Loads and validates the listener's material (key matches certificate, certificates current,
   * chains build, CRLs parse and are signed by a CA), builds the contexts and starts watching the
   * files.
   *
   * @param listenerName used in log lines, e.g. {@code 8883}
   * @throws TlsMaterialException naming the file at fault
   * @throws IllegalArgumentException if {@code settings} is not a TLS listener
   */
  public static ServerTls open(ServerTlsSettings settings, String listenerName)
      throws TlsMaterialException {
    if (!settings.isTlsEnabled()) {
      throw new IllegalArgumentException(
          "listener " + listenerName + " has no certfile/keyfile and no psk_hint");
    }
    TlsEngine engine = settings.engine();
    if (engine == TlsEngine.OPENSSL && !OpenSsl.isAvailable()) {
      LOG.warn(
          "listener {}: tls_engine openssl unavailable ({}); using the JDK engine",
          listenerName,
          String.valueOf(OpenSsl.unavailabilityCause()));
      engine = TlsEngine.JDK;
    }
    if ((settings.minVersion().equals("TLSv1") || settings.minVersion().equals("TLSv1.1"))) {
      LOG.warn(
          "listener {}: tls_version {} allows TLS versions with known weaknesses; use tlsv1.2",
          listenerName,
          settings.minVersion().toLowerCase(java.util.Locale.ROOT));
    }
    ServerTls tls = new ServerTls(settings, listenerName, engine);
    tls.generation =
        ServerTlsGeneration.load(
            settings,
            engine == TlsEngine.OPENSSL,
            tls.ticketKeys,
            tls.sightings,
            LOG,
            listenerName);
    tls.logStart();
    tls.watcher.start();
    return tls;
  }

  private void logStart() {
    ServerTlsGeneration g = generation;
    String psk =
        settings.pskHint().isEmpty()
            ? ""
            : ", TLS-PSK (hint '"
                + settings.pskHint().get()
                + "', "
                + g.pskKeys.size()
                + " identities in "
                + settings.pskFile().get()
                + ", engine bctls)";
    if (g.defaultSite == null) {
      LOG.info(
          "listener {}: TLS-PSK only (no certfile): engine bctls, hint '{}', {} identities in {}",
          listenerName,
          settings.pskHint().get(),
          g.pskKeys.size(),
          settings.pskFile().get());
      return;
    }
    List<String> ccm = new ArrayList<>();
    for (String s :
        List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM")) {
      if (!g.defaultSite.context(defaultEngine).cipherSuites().contains(s)) {
        ccm.add(s);
      }
    }
    LOG.info(
        "listener {}: TLS engine {} ({}), {} and up, certificate {}{}{}{}{}",
        listenerName,
        defaultEngine.directiveName(),
        defaultEngine == TlsEngine.OPENSSL ? OpenSsl.versionString() : "SunJSSE",
        settings.minVersion(),
        g.defaultSite.material().leaf().getSubjectX500Principal().getName(),
        settings.requireCertificate() ? ", client certificates required" : "",
        g.sniSites.isEmpty() ? "" : ", SNI names " + g.sniSites.keySet(),
        settings.alpn().isEmpty() ? "" : ", ALPN " + settings.alpn(),
        psk);
    if (!ccm.isEmpty() && settings.ciphers().isEmpty()) {
      // Served, since the bctls engine: a client that offers only these gets that engine.
      LOG.debug(
          "listener {}: {} served by the bctls engine to clients that offer only CCM suites",
          listenerName,
          ccm);
    }
    if (!settings.ciphers().isEmpty()) {
      List<String> missing = new ArrayList<>();
      for (String c : g.suites) {
        if (!c.startsWith("TLS_AES_")
            && !c.startsWith("TLS_CHACHA20_")
            && !g.defaultSite.context(defaultEngine).cipherSuites().contains(c)) {
          missing.add(c);
        }
      }
      if (!missing.isEmpty()) {
        LOG.warn(
            "listener {}: ciphers: {} not available on the {} engine and not offered",
            listenerName,
            missing,
            defaultEngine.directiveName());
      }
    }
    if (!settings.ciphersTls13().isEmpty() && defaultEngine == TlsEngine.OPENSSL) {
      LOG.warn(
          "listener {}: ciphers_tls1.3 applies to the JDK engine only: BoringSSL's TLS 1.3 suites"
              + " are fixed (AES-GCM and ChaCha20-Poly1305)",
          listenerName);
    }
    if (settings.dhParamFile().isPresent()) {
      LOG.info(
          "listener {}: dhparamfile accepted; DHE suites stay off (ECDHE is used)", listenerName);
    }
  }

  /**
   * A new handler for one accepted connection; the broker adds it first in the child pipeline. It
   * detects plain MQTT or non-TLS bytes, reads the ClientHello to choose the certificate (SNI) and
   * the engine, runs the handshake with the timeout, logs one line with the named cause on failure
   * (and fires {@link TlsHandshakeFailed}), and on success fires {@link TlsSessionEstablished}
   * before the first MQTT byte.
   */
  public ChannelHandler newHandler() {
    return new ServerTlsHandler(this);
  }

  /**
   * A handler for a plain (non-TLS) listener that recognises a TLS ClientHello in the first bytes,
   * logs {@code sent TLS (a ClientHello) to a plain MQTT listener} and closes; otherwise it removes
   * itself. Add it first in the plain listener's child pipeline.
   */
  public static ChannelHandler plainListenerGuard(String listenerName) {
    return new PlainListenerGuard(listenerName);
  }

  /**
   * Re-reads every file now (as on SIGHUP). The new set replaces the old for new connections only
   * if it is valid as a whole; otherwise one line naming the file and cause is logged and the old
   * set stays.
   *
   * @return whether the new set was taken
   */
  public boolean reload() {
    if (closed) {
      return false;
    }
    try {
      ServerTlsGeneration g =
          ServerTlsGeneration.load(
              settings,
              defaultEngine == TlsEngine.OPENSSL,
              ticketKeys,
              sightings,
              LOG,
              listenerName);
      applyTicketKeys(g); // in case they rotated while the files were read
      generation = g;
      String psk = g.pskKeys == null ? "" : g.pskKeys.size() + " PSK identities";
      if (g.defaultSite == null) {
        LOG.info("listener {}: TLS material reloaded ({})", listenerName, psk);
      } else {
        LOG.info(
            "listener {}: TLS material reloaded (certificate {}, valid until {}{})",
            listenerName,
            g.defaultSite.material().leaf().getSubjectX500Principal().getName(),
            g.defaultSite.material().leaf().getNotAfter().toInstant(),
            psk.isEmpty() ? "" : ", " + psk);
      }
      return true;
    } catch (TlsMaterialException | RuntimeException e) {
      LOG.warn(
          "listener {}: TLS reload refused, keeping the previous material: {}",
          listenerName,
          e.getMessage());
      return false;
    }
  }

  // An expired CRL must not silently lock out a fleet (Mosquitto #1826), nor be forgotten:
  // with crl_expired warn it stays in use, and the operator hears about it once a day.
  private void dailyChecks() {
    long now = System.nanoTime();
    if (now - lastCrlWarnNanos < Duration.ofDays(1).toNanos()) {
      return;
    }
    lastCrlWarnNanos = now;
    java.util.Date date = new java.util.Date();
    for (ClientCertificateVerifier.LoadedCrl c : generation.crls) {
      if (c.crl().getNextUpdate() != null && date.after(c.crl().getNextUpdate())) {
        LOG.warn(
            "listener {}: crlfile {}: CRL of {} expired {} (nextUpdate); {}",
            listenerName,
            c.file(),
            c.crl().getIssuerX500Principal().getName(),
            c.crl().getNextUpdate().toInstant(),
            settings.crlExpiredPolicy() == ServerTlsSettings.CrlExpiredPolicy.REFUSE
                ? "devices of this CA are refused (crl_expired refuse): publish a fresh CRL"
                : "still used (crl_expired warn): publish a fresh CRL");
      }
    }
  }

  private void onFilesChanged() {
    reload();
  }

  /** The settings this listener was opened with. */
  public ServerTlsSettings settings() {
    return settings;
  }

  /** The listener name used in log lines. */
  public String listenerName() {
    return listenerName;
  }

  /** The engine used for connections unless a feature needs the other one. */
  public TlsEngine engine() {
    return defaultEngine;
  }

  /** Stops watching files. Existing connections are not affected. */
  @Override
  public void close() {
    closed = true;
    watcher.close();
  }

  ServerTlsGeneration generation() {
    maybeRotateTicketKeys();
    return generation;
  }

  CertificateSightings sightings() {
    return sightings;
  }

  boolean firstMflSwitch() {
    return mflSwitchLogged.compareAndSet(false, true);
  }

  // Tickets are encrypted with the newest key; the previous one still decrypts, so a device
  // that reconnects across a rotation resumes.
  private void maybeRotateTicketKeys() {
    if (defaultEngine == TlsEngine.OPENSSL && ticketKeyExpired()) {
      synchronized (this) {
        // checked again under the lock: two event loops that both saw the key expire must not
        // rotate twice, which would drop the key still decrypting the devices' tickets
        if (ticketKeyExpired()) {
          rotateTicketKeys();
        }
      }
    }
  }

  private boolean ticketKeyExpired() {
    return System.nanoTime() - ticketKeysRotatedNanos >= TICKET_KEY_LIFETIME.toNanos();
  }

  /** Makes a new ticket key current and keeps the previous one for decryption only. */
  synchronized void rotateTicketKeys() {
    ticketKeys = List.of(newTicketKey(), ticketKeys.get(0));
    ticketKeysRotatedNanos = System.nanoTime();
    applyTicketKeys(generation);
  }

  private synchronized void applyTicketKeys(ServerTlsGeneration g) {
    if (g.defaultSite == null) {
      return; // PSK only: bctls keeps no tickets
    }
    ServerTlsGeneration.applyTicketKeys(g.defaultSite.openssl(), ticketKeys);
    for (ServerTlsGeneration.Site s : g.sniSites.values()) {
      ServerTlsGeneration.applyTicketKeys(s.openssl(), ticketKeys);
    }
  }

  private OpenSslSessionTicketKey newTicketKey() {
    byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
    byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
    byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
    random.nextBytes(name);
    random.nextBytes(hmac);
    random.nextBytes(aes);
    return new OpenSslSessionTicketKey(name, hmac, aes);
  }

  private static List<Path> watchedFiles(ServerTlsSettings s) {
    List<Path> files = new ArrayList<>();
    s.certFile().ifPresent(files::add);
    s.keyFile().ifPresent(files::add);
    s.caFile().ifPresent(files::add);
    s.caPath().ifPresent(files::add);
    s.crlFile().ifPresent(files::add);
    s.pskFile().ifPresent(files::add);
    for (ServerTlsSettings.SniCertificate sc : s.sniCertificates().values()) {
      files.add(sc.certFile());
      files.add(sc.keyFile());
    }
    return files;
  }

  /**
   * {@code keyfile_password}: {@code file:PATH} (first line), {@code env:NAME}, or the literal
   * password. Read at every load so a rotated password file is picked up too.
   */
  static char[] resolvePassword(ServerTlsSettings s) throws TlsMaterialException {
    Optional<String> spec = s.keyPasswordSpec();
    if (spec.isEmpty()) {
      return null;
    }
    String v = spec.get();
    if (v.startsWith("file:")) {
      Path p = s.baseDir().resolve(v.substring(5));
      byte[] bytes = PemReader.read(p);
      String text = new String(bytes, StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      String line = nl >= 0 ? text.substring(0, nl) : text;
      return line.strip().toCharArray();
    }
    if (v.startsWith("env:")) {
      String val = System.getenv(v.substring(4));
      if (val == null) {
        throw new TlsMaterialException(
            null, "keyfile_password: environment variable " + v.substring(4) + " is not set");
      }
      return val.toCharArray();
    }
    return v.toCharArray();
  }
}
