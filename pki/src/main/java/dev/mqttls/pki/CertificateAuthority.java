package dev.mqttls.pki;

import dev.mqttls.pki.PkiException.Reason;
import dev.mqttls.pki.internal.Archive;
import dev.mqttls.pki.internal.AtomicFiles;
import dev.mqttls.pki.internal.Certificates;
import dev.mqttls.pki.internal.Crls;
import dev.mqttls.pki.internal.Csrs;
import dev.mqttls.pki.internal.DirectoryLock;
import dev.mqttls.pki.internal.Exporter;
import dev.mqttls.pki.internal.Generations;
import dev.mqttls.pki.internal.HostAddresses;
import dev.mqttls.pki.internal.Index;
import dev.mqttls.pki.internal.Inspector;
import dev.mqttls.pki.internal.Keys;
import dev.mqttls.pki.internal.Names;
import dev.mqttls.pki.internal.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate authority kept in a directory: creates itself, issues server and device
 * certificates, signs device CSRs, revokes and publishes a CRL, exports for Java, C and modems,
 * lists and inspects.
 *
 * <p>The directory layout is fixed (and described in the {@code README.txt} that {@link #init}
 * writes beside it):
 *
 * <pre>
 * ca.crt            the root CA certificate: what brokers and devices trust (cafile)
 * ca.key            the root CA private key, mode 0600 (optionally encrypted)
 * intermediate.crt  only with an intermediate: the issuing CA, signed by the root
 * intermediate.key  its key; with an intermediate, ca.key may then be kept offline
 * certs/ID.crt      the id's current certificate, followed by intermediate.crt when there is one
 * private/ID.key    its private key, mode 0600 (absent when the device sent a CSR)
 * certs/history/    superseded certificates, ID.SERIAL.crt (and private/history/ their keys)
 * previous/         during a CA rollover only: the old CA; cross.crt: the new root signed by it
 * crl.pem           the current CRL, signed by the issuing CA
 * index.txt         the index of issued certificates (see below)
 * .lock             taken by every change, so concurrent runs never corrupt the index
 * </pre>
 *
 * <p>{@code index.txt} has one tab-separated line per certificate: id, kind, serial (hex),
 * not-before, not-after, revoked-at or {@code -}, reason or {@code -}, and {@code key} or {@code
 * csr}. Every file is written to a temporary file and renamed, so no file is ever half-written.
 *
 * <p>Instances are safe to use from several threads; changes are serialized by the directory lock.
 */
public final class CertificateAuthority {
  /** The default CA directory, relative to the working directory. */
  public static final Path DEFAULT_DIRECTORY = Path.of("mqttls-data", "pki");

  /** The default CRL validity: a year, so a development broker does not lock everyone out. */
  public static final int DEFAULT_CRL_DAYS = 365;

  private static final String CA_CRT = "ca.crt";
  private static final String CA_KEY = "ca.key";
  private static final String INT_CRT = "intermediate.crt";
  private static final String INT_KEY = "intermediate.key";
  private static final String CRL = "crl.pem";
  // Devices without a real-time clock and hosts with drifting clocks: start validity an hour ago.
  private static final Duration BACKDATE = Duration.ofHours(1);

  private final Path dir;
  private final X509Certificate root;
  private final X509Certificate intermediate;
  // Only during a CA rollover: the new root certified by the previous one.
  private final X509Certificate cross;
  private final char[] password;
  private volatile PrivateKey issuingKey;

  private CertificateAuthority(
      Path dir,
      X509Certificate root,
      X509Certificate intermediate,
      X509Certificate cross,
      char[] password) {
    this.dir = dir;
    this.root = root;
    this.intermediate = intermediate;
    this.cross = cross;
    this.password = password == null ? null : password.clone();
  }

  // ---------------------------------------------------------------- create and open

  /** Whether {@code dir} holds a CA (its {@code ca.crt}). */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(CA_CRT));
  }

  /** Creates an unencrypted CA in {@code dir}; see {@link #init(Path, CaOptions, char[])}. */
  public static CertificateAuthority init(Path dir, CaOptions options) {
    return init(dir, options, null);
  }

  /**
   * Creates a CA in {@code dir} (created if missing) and writes an empty CRL. Refuses when the
   * directory already holds a CA.
   *
   * @param password encrypts the CA key(s) when not null; the CA keeps its own copy
   * @throws PkiException {@link Reason#CA_EXISTS} when {@code ca.crt} exists
   */
  public static CertificateAuthority init(Path dir, CaOptions options, char[] password) {
    AtomicFiles.createDirectory(dir, "rwx------");
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      if (exists(dir)) {
        throw new PkiException(
            Reason.CA_EXISTS,
            "a CA already exists in " + dir + " (ca.crt); not overwriting it: use another --dir");
      }
      AtomicFiles.createDirectory(dir.resolve("certs"), "rwxr-xr-x");
      AtomicFiles.createDirectory(dir.resolve("private"), "rwx------");
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant notBefore = now.minus(BACKDATE);
      Instant notAfter = now.plus(Duration.ofDays(options.days()));
      KeyPair rootKeys = Keys.generate(options.keyType());
      var rootName =
          Certificates.commonName(options.name() + (options.intermediate() ? " Root" : ""));
      var rootSigner =
          new Certificates.Signer(rootName, rootKeys.getPublic(), rootKeys.getPrivate());
      X509Certificate rootCert =
          Certificates.ca(
              rootSigner,
              rootName,
              rootKeys.getPublic(),
              notBefore,
              notAfter,
              Generations.rootPathLength(options.intermediate()));
      X509Certificate intCert = null;
      PrivateKey issuing = rootKeys.getPrivate();
      // Keys first, certificates last: ca.crt is what marks the directory as holding a CA.
      if (options.intermediate()) {
        KeyPair intKeys = Keys.generate(options.keyType());
        intCert =
            Certificates.ca(
                rootSigner,
                Certificates.commonName(options.name() + " Issuing CA"),
                intKeys.getPublic(),
                notBefore,
                notAfter,
                0);
        Keys.write(dir.resolve(INT_KEY), intKeys.getPrivate(), password);
        issuing = intKeys.getPrivate();
      }
      Keys.write(dir.resolve(CA_KEY), rootKeys.getPrivate(), password);
      if (intCert != null) {
        AtomicFiles.write(dir.resolve(INT_CRT), ascii(Certificates.toPem(intCert)), false, true);
      }
      Index.write(dir, List.of());
      writeReadme(dir);
      CertificateAuthority ca = new CertificateAuthority(dir, rootCert, intCert, null, password);
      ca.issuingKey = issuing;
      ca.publishCrl(List.of(), DEFAULT_CRL_DAYS, null);
      AtomicFiles.write(dir.resolve(CA_CRT), ascii(Certificates.toPem(rootCert)), false, true);
      return ca;
    }
  }

  /** Opens the CA in {@code dir}, whose key is not encrypted. */
  public static CertificateAuthority open(Path dir) {
    return open(dir, null);
  }

  /**
   * Opens the CA in {@code dir}. The key is read when first needed, so listing, inspecting and
   * exporting certificates work without the password.
   *
   * @param password the CA key password, or null; the array is copied
   * @throws PkiException {@link Reason#NO_CA} when there is no {@code ca.crt}
   */
  public static CertificateAuthority open(Path dir, char[] password) {
    if (!exists(dir)) {
      throw new PkiException(
          Reason.NO_CA,
          "no CA in "
              + dir
              + " (ca.crt missing): create one with 'mqttls pki init' or choose --dir");
    }
    X509Certificate rootCert = readCaCertificate(dir.resolve(CA_CRT));
    X509Certificate intCert =
        Files.exists(dir.resolve(INT_CRT)) ? readCaCertificate(dir.resolve(INT_CRT)) : null;
    Path crossFile = dir.resolve(Generations.CROSS);
    X509Certificate cross =
        Generations.inProgress(dir) && Files.exists(crossFile)
            ? readCaCertificate(crossFile)
            : null;
    return new CertificateAuthority(dir, rootCert, intCert, cross, password);
  }

  // ---------------------------------------------------------------- facts

  /** The CA directory. */
  public Path directory() {
    return dir;
  }

  /** {@code ca.crt}: the file brokers and devices trust. */
  public Path certificateFile() {
    return dir.resolve(CA_CRT);
  }

  /** {@code crl.pem}: the file for a broker's {@code crlfile}. */
  public Path crlFile() {
    return dir.resolve(CRL);
  }

  /** The root CA certificate (the trust anchor). */
  public X509Certificate certificate() {
    return root;
  }

  /** The issuing intermediate CA certificate, when the CA was created with one. */
  public Optional<X509Certificate> intermediate() {
    return Optional.ofNullable(intermediate);
  }

  /** The CA's key type, which issued certificates use unless told otherwise. */
  public KeyType keyType() {
    return Keys.typeOf(issuer().getPublicKey());
  }

  /** The current certificate of every id this CA issued, in issue order. */
  public List<IssuedCertificate> list() {
    return Index.list(dir);
  }

  /**
   * Every certificate this CA issued, in issue order, renewed and re-issued ones included: an id
   * appears once per certificate, its last line being the current one.
   */
  public List<IssuedCertificate> history() {
    return Index.readAll(dir);
  }

  /** The index entry of an id. */
  public Optional<IssuedCertificate> find(String id) {
    return Optional.ofNullable(Index.read(dir).get(id));
  }

  // ---------------------------------------------------------------- issue

  /**
   * Issues a server certificate for {@code name} (its CN and id) with the serverAuth EKU. The SANs
   * are {@code name} (when it is a DNS name) plus the options' names and addresses, or, when the
   * options list none, the defaults: the host name, {@code localhost}, 127.0.0.1, ::1 and the
   * machine's non-loopback addresses. There is always at least one DNS SAN, because mbedTLS 2.x
   * matches only DNS SANs (or the CN), never IP SANs.
   */
  public IssuedCertificate issueServer(String name, ServerOptions options) {
    return issueServerLike(name, CertificateKind.SERVER, options);
  }

  /**
   * Issues a cluster node certificate for {@code name} (its CN and id) with both the serverAuth and
   * the clientAuth EKU: each node presents it as TLS server to the nodes that connect to it and as
   * TLS client to the nodes it connects to ({@code cluster_certfile}, with this CA's certificate as
   * {@code cluster_cafile}). The SANs are chosen as {@link #issueServer} chooses them.
   */
  public IssuedCertificate issueNode(String name, ServerOptions options) {
    return issueServerLike(name, CertificateKind.NODE, options);
  }

  private IssuedCertificate issueServerLike(
      String name, CertificateKind kind, ServerOptions options) {
    Names.checkId(name);
    Set<String> dns = new LinkedHashSet<>();
    Set<InetAddress> ips = new LinkedHashSet<>();
    if (Names.isDnsName(name)) {
      dns.add(name.toLowerCase(Locale.ROOT));
    } else if (Names.isIpLiteral(name)) {
      ips.add(Names.parseIp(name));
    }
    if (options.dnsNames().isEmpty() && options.ipAddresses().isEmpty()) {
      HostAddresses.hostName().ifPresent(h -> dns.add(h.toLowerCase(Locale.ROOT)));
      dns.add("localhost");
      ips.add(Names.parseIp("127.0.0.1"));
      ips.add(Names.parseIp("::1"));
      ips.addAll(HostAddresses.nonLoopbackAddresses());
    } else {
      options.dnsNames().forEach(d -> dns.add(d.toLowerCase(Locale.ROOT)));
      options.ipAddresses().forEach(ip -> ips.add(Names.parseIp(ip)));
    }
    if (dns.isEmpty()) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT,
          kind.label()
              + " certificate '"
              + name
              + "' would have no DNS name: add --dns NAME (mbedTLS 2.x devices match DNS names only,"
              + " never IP addresses)");
    }
    KeyType type = options.keyType().orElse(keyType());
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      Map<String, IssuedCertificate> index = Index.read(dir);
      requireIssuable(index, name);
      IssuedCertificate issued =
          mint(
              name,
              kind,
              Keys.generate(type),
              options.days(),
              serverLike(name, kind, List.copyOf(dns), List.copyOf(ips)));
      index.put(name, issued);
      Index.write(dir, index.values());
      return issued;
    }
  }

  /** Issues a device certificate, CN = {@code id}, clientAuth EKU, with a key made here. */
  public IssuedCertificate issueDevice(String id, DeviceOptions options) {
    Names.checkId(id);
    KeyType type = options.keyType().orElse(keyType());
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      Map<String, IssuedCertificate> index = Index.read(dir);
      requireIssuable(index, id);
      IssuedCertificate issued =
          mint(
              id,
              CertificateKind.DEVICE,
              Keys.generate(type),
              options.days(),
              (signer, key, nb, na) -> Certificates.device(signer, id, key, nb, na));
      index.put(id, issued);
      Index.write(dir, index.values());
      return issued;
    }
  }

  /**
   * Issues {@code count} device certificates named {@code prefix} followed by a number, continuing
   * after the highest number already issued with this prefix (so {@code dev-1 ... dev-N} first,
   * then {@code dev-N+1 ...}). Keys are made in parallel; the index is written once at the end,
   * also when a failure stops the batch part-way (so the files and the index always agree).
   */
  public List<IssuedCertificate> issueDevices(String prefix, int count, DeviceOptions options) {
    if (count < 1 || count > 1_000_000) {
      throw new PkiException(
          Reason.INVALID_ARGUMENT, "count must be between 1 and 1000000, not " + count);
    }
    Names.checkId(prefix + "1");
    KeyType type = options.keyType().orElse(keyType());
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      Map<String, IssuedCertificate> index = Index.read(dir);
      int start = highestNumber(index.keySet(), prefix) + 1;
      List<String> ids = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String id = Names.checkId(prefix + (start + i));
        requireNew(index, id);
        ids.add(id);
      }
      Certificates.Signer signer = Certificates.signer(issuer(), issuingKey());
      int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<IssuedCertificate> issued = new ArrayList<>(count);
      // After a failure the remaining tasks skip their work, and every task is waited for, so
      // each file written is also in the index.
      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      try {
        List<Future<IssuedCertificate>> futures = new ArrayList<>(count);
        for (String id : ids) {
          futures.add(
              pool.submit(
                  () -> {
                    if (stop.get()) {
                      return null;
                    }
                    try {
                      return mint(
                          id,
                          CertificateKind.DEVICE,
                          Keys.generate(type),
                          options.days(),
                          signer,
                          false,
                          (s, key, nb, na) -> Certificates.device(s, id, key, nb, na));
                    } catch (RuntimeException e) {
                      stop.set(true);
                      throw e;
                    }
                  }));
        }
        PkiException failure = null;
        boolean interrupted = false;
        for (Future<IssuedCertificate> f : futures) {
          while (true) {
            try {
              IssuedCertificate done = f.get();
              if (done != null) {
                issued.add(done);
              }
              break;
            } catch (ExecutionException e) {
              if (failure == null) {
                failure =
                    e.getCause() instanceof PkiException p
                        ? p
                        : new PkiException(
                            Reason.IO,
                            "issuing failed: " + Keys.oneLine(e.getCause()),
                            e.getCause());
              }
              break;
            } catch (InterruptedException e) {
              // Finish waiting so the index matches the files; report the interrupt afterwards.
              interrupted = true;
              stop.set(true);
            }
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
          if (failure == null) {
            failure = new PkiException(Reason.IO, "interrupted while issuing devices");
          }
        }
        if (failure != null) {
          throw failure;
        }
        return issued;
      } finally {
        pool.shutdown();
        issued.forEach(e -> index.put(e.id(), e));
        Index.write(dir, index.values());
      }
    }
  }

  /**
   * Signs a PKCS#10 CSR made on a device (nRF91 {@code AT%KEYGEN}, a secure element) after checking
   * its self-signature. The certificate's CN is {@code id}, whatever subject the CSR asked for; the
   * private key never leaves the device, so no key file is written.
   *
   * @param csr the CSR as PEM, DER, or the nRF91 {@code %KEYGEN} base64url text
   * @throws PkiException {@link Reason#BAD_CSR} when the CSR is malformed or its signature fails
   */
  public IssuedCertificate signCsr(String id, byte[] csr, DeviceOptions options) {
    Names.checkId(id);
    PublicKey key = Csrs.verifiedKey(csr, "CSR for " + id);
    Keys.typeOf(key);
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      Map<String, IssuedCertificate> index = Index.read(dir);
      requireIssuable(index, id);
      IssuedCertificate issued =
          mint(
              id,
              CertificateKind.DEVICE,
              new KeyPair(key, null),
              options.days(),
              (signer, k, nb, na) -> Certificates.device(signer, id, k, nb, na));
      index.put(id, issued);
      Index.write(dir, index.values());
      return issued;
    }
  }

  /**
   * Signs several device CSRs as {@link #signCsr} does, under one lock and with one durable index
   * write, for provisioning a fleet over MQTT ({@code pki.provision}). Every id and CSR is checked
   * before anything is signed.
   *
   * @param csrs device id to CSR, in the order to issue
   * @throws PkiException as {@link #signCsr}, for the first id or CSR refused; nothing is issued
   *     then
   */
  public List<IssuedCertificate> signCsrs(Map<String, byte[]> csrs, DeviceOptions options) {
    Map<String, PublicKey> keys = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : csrs.entrySet()) {
      Names.checkId(e.getKey());
      PublicKey key = Csrs.verifiedKey(e.getValue(), "CSR for " + e.getKey());
      Keys.typeOf(key);
      keys.put(e.getKey(), key);
    }
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      Map<String, IssuedCertificate> index = Index.read(dir);
      for (String id : keys.keySet()) {
        requireNew(index, id);
      }
      Certificates.Signer signer = Certificates.signer(issuer(), issuingKey());
      List<IssuedCertificate> issued = new ArrayList<>(keys.size());
      try {
        for (Map.Entry<String, PublicKey> e : keys.entrySet()) {
          String id = e.getKey();
          issued.add(
              mint(
                  id,
                  CertificateKind.DEVICE,
                  new KeyPair(e.getValue(), null),
                  options.days(),
                  signer,
                  false,
                  (s, k, nb, na) -> Certificates.device(s, id, k, nb, na)));
        }
      } finally {
        // Also after a failure part-way, so that every certificate file written is in the index.
        issued.forEach(i -> index.put(i.id(), i));
        Index.write(dir, index.values());
      }
      return issued;
    }
  }

  // ---------------------------------------------------------------- renew

  /**
   * Renews the current certificate of {@code id}: a successor with the same identity (CN, and for a
   * server the same SANs), a new serial, and the same key unless {@link RenewOptions#rekey()}. It
   * is issued by the active CA, so during a rollover renewal moves a device to the new CA. The old
   * certificate is filed under {@code certs/history/} and stays valid until it expires, unless
   * {@link RenewOptions#revokeOld()}; the index keeps both lines. A renewed or revoked id may be
   * renewed again; an expired or revoked one may also simply be issued again.
   *
   * @throws PkiException {@link Reason#UNKNOWN_ID}; {@link Reason#KEY_NOT_AVAILABLE} for a new key
   *     when the key lives on the device (renew with {@link #renewCsr} instead)
   */
  public Renewal renew(String id, RenewOptions options) {
    return renew(id, options, null);
  }

  /**
   * Renews the certificate of {@code id} with the key of a CSR made on the device (its signature is
   * checked; the subject it asks for is ignored, the CN stays {@code id}). Any key the CA held for
   * {@code id} is filed as history.
   */
  public Renewal renewCsr(String id, byte[] csr, RenewOptions options) {
    Names.checkId(id);
    PublicKey key = Csrs.verifiedKey(csr, "CSR for " + id);
    Keys.typeOf(key);
    return renew(id, options, key);
  }

  private Renewal renew(String id, RenewOptions options, PublicKey csrKey) {
    Names.checkId(id);
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      List<IssuedCertificate> all = Index.readAll(dir);
      IssuedCertificate old = lookupId(Index.read(dir), id);
      X509Certificate oldCert =
          Certificates.readAll(readBytes(old.certificateFile()), old.certificateFile().toString())
              .get(0);
      boolean newKey = options.rekey() || csrKey != null;
      if (options.rekey() && csrKey == null && old.keyFile().isEmpty()) {
        throw new PkiException(
            Reason.KEY_NOT_AVAILABLE,
            id
                + " was signed from a CSR: its key lives on the device, so the CA cannot make it a"
                + " new one; renew with --csr FILE (a new CSR from the device), or without --rekey");
      }
      KeyPair keys;
      if (csrKey != null) {
        keys = new KeyPair(csrKey, null);
      } else if (options.rekey()) {
        keys = Keys.generate(options.keyType().orElse(Keys.typeOf(oldCert.getPublicKey())));
      } else {
        keys = new KeyPair(oldCert.getPublicKey(), null);
      }
      int days = options.days().orElse(lifetimeDays(old));
      LeafBuilder builder =
          old.kind() != CertificateKind.DEVICE
              ? serverLike(id, old.kind(), oldCert)
              : (signer, key, nb, na) -> Certificates.device(signer, id, key, nb, na);
      Certificates.Signer signer = Certificates.signer(issuer(), issuingKey());
      Archive.copy(dir, old, newKey);
      IssuedCertificate issued = mint(id, old.kind(), keys, days, signer, true, builder);
      if (!newKey && old.keyFile().isPresent()) {
        issued = issued.withFiles(issued.certificateFile(), old.keyFile());
      } else if (csrKey != null && old.keyFile().isPresent()) {
        Archive.delete(old.keyFile().get()); // filed as history; the device holds the new key
      }
      IssuedCertificate previous = old;
      if (options.revokeOld()) {
        previous =
            old.revoke(Instant.now().truncatedTo(ChronoUnit.SECONDS), RevocationReason.SUPERSEDED);
        all.set(all.indexOf(old), previous);
      }
      all.add(issued);
      Index.writeAll(dir, all);
      if (options.revokeOld()) {
        X509CRL current = readCrl().orElse(null);
        publishCrl(revokedEntries(all), crlDays(current), current);
      }
      List<IssuedCertificate> now = Index.readAll(dir);
      return new Renewal(now.get(indexOf(now, previous)), issued, newKey);
    }
  }

  private static int indexOf(List<IssuedCertificate> all, IssuedCertificate e) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).id().equals(e.id()) && all.get(i).serial().equals(e.serial())) {
        return i;
      }
    }
    throw new IllegalStateException("renewed entry missing from the index");
  }

  /** A server certificate with the same names as {@code old}. */
  private static LeafBuilder serverLike(String name, CertificateKind kind, X509Certificate old) {
    List<String> dns = new ArrayList<>();
    List<InetAddress> ips = new ArrayList<>();
    try {
      Collection<List<?>> sans = old.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dns.add((String) san.get(1));
          } else if (type == 7) {
            ips.add(Names.parseIp((String) san.get(1)));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new PkiException(
          Reason.CORRUPT_FILE, "cannot read the names of " + name + ": " + Keys.oneLine(e), e);
    }
    return serverLike(name, kind, List.copyOf(dns), List.copyOf(ips));
  }

  /** A server's or a cluster node's certificate with these names. */
  private static LeafBuilder serverLike(
      String name, CertificateKind kind, List<String> dns, List<InetAddress> ips) {
    return kind == CertificateKind.NODE
        ? (signer, key, nb, na) -> Certificates.node(signer, name, key, nb, na, dns, ips)
        : (signer, key, nb, na) -> Certificates.server(signer, name, key, nb, na, dns, ips);
  }

  /** The validity the old certificate was issued with, in whole days (at least one). */
  private static int lifetimeDays(IssuedCertificate old) {
    long hours = Duration.between(old.notBefore().plus(BACKDATE), old.notAfter()).toHours();
    return (int) Math.max(1, Math.min(Names.MAX_DAYS, Math.round(hours / 24.0)));
  }

  // ---------------------------------------------------------------- CA rollover

  /**
   * Starts a CA rollover: a new root (and a new intermediate when this CA has one) with a new key
   * now issues everything, while the previous generation stays trusted: {@code ca.crt} holds the
   * new root and then the previous one, so a broker whose {@code cafile} it is accepts devices of
   * both. When the previous root allows a CA below it, the new root is also certified by it ({@code
   * cross.crt}) and server certificates issued during the overlap carry that certificate, so
   * devices that hold only the previous root still verify the broker. The previous CA's files are
   * kept in {@code previous/} and it keeps signing the CRL for its own certificates.
   *
   * @param options the new CA's name, key type, validity and whether it has an intermediate
   * @throws PkiException {@link Reason#ROLLOVER_STATE} when a rollover is already under way; {@link
   *     Reason#ROOT_KEY_OFFLINE} when {@code ca.key} is not in the directory
   */
  public Rollover rollover(CaOptions options) {
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      if (Generations.inProgress(dir)) {
        throw new PkiException(
            Reason.ROLLOVER_STATE,
            "a CA rollover is already under way (previous/ holds the old CA): finish it with"
                + " 'mqttls pki ca retire-old' before starting another");
      }
      PrivateKey oldRootKey = rootKey();
      X509CRL crl = readCrl().orElse(null);
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Generations.Made made =
          Generations.rollover(
              dir,
              root,
              oldRootKey,
              options,
              password,
              now.minus(BACKDATE),
              now.plus(Duration.ofDays(options.days())));
      CertificateAuthority next = open(dir, password);
      next.publishCrl(revokedEntries(Index.readAll(dir)), crlDays(crl), crl);
      return new Rollover(
          root, made.root(), Optional.ofNullable(made.cross()), certificateFile(), next);
    }
  }

  /** The default options of the next generation: same key type, validity and shape, name + G2. */
  public CaOptions nextGeneration() {
    long days =
        Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()).toDays();
    return new CaOptions(
        Generations.nextName(root, intermediate != null),
        Keys.typeOf(root.getPublicKey()),
        (int) Math.max(1, Math.min(Names.MAX_DAYS, days)),
        intermediate != null);
  }

  /** Whether a rollover is under way: the previous CA is still trusted beside the new one. */
  public boolean rolloverInProgress() {
    return Generations.inProgress(dir);
  }

  /**
   * Ends a rollover: {@code ca.crt} holds only the new root, so brokers that re-read it refuse
   * devices whose certificate the old CA issued; the old CA's files move to {@code
   * retired/SERIAL/}. Refuses while current certificates of the old CA remain (renew them first),
   * unless {@code force}.
   *
   * @throws PkiException {@link Reason#ROLLOVER_STATE} when no rollover is under way, or old
   *     certificates remain and not {@code force}
   */
  public Retirement retirePrevious(boolean force) {
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      if (!Generations.inProgress(dir)) {
        throw new PkiException(
            Reason.ROLLOVER_STATE,
            "no CA rollover is under way, so there is no old CA to retire ('mqttls pki ca"
                + " rollover' starts one)");
      }
      X509Certificate previousRoot =
          readCaCertificate(dir.resolve(Generations.PREVIOUS).resolve(CA_CRT));
      X509Certificate previousIssuer =
          readCaCertificate(Generations.previousIssuerCertificate(dir));
      Instant now = Instant.now();
      List<String> stranded = new ArrayList<>();
      for (IssuedCertificate e : Index.list(dir)) {
        if (!e.revoked()
            && e.notAfter().isAfter(now)
            && issuerOf(e).map(previousIssuer.getSubjectX500Principal()::equals).orElse(false)) {
          stranded.add(e.id());
        }
      }
      if (!stranded.isEmpty() && !force) {
        throw new PkiException(
            Reason.ROLLOVER_STATE,
            stranded.size()
                + " current certificate(s) still chain to the old CA ("
                + String.join(", ", stranded.subList(0, Math.min(5, stranded.size())))
                + (stranded.size() > 5 ? ", ..." : "")
                + "): renew them first ('mqttls pki renew ID' issues under the new CA), or retire"
                + " anyway with --force and they can no longer connect");
      }
      X509CRL crl = readCrl().orElse(null);
      Path archive = Generations.retire(dir, root, previousRoot);
      CertificateAuthority next = open(dir, password);
      next.publishCrl(revokedEntries(Index.readAll(dir)), crlDays(crl), crl);
      return new Retirement(previousRoot, archive, stranded, next);
    }
  }

  /** The issuer named in an entry's certificate file, or empty when the file is unreadable. */
  private static Optional<javax.security.auth.x500.X500Principal> issuerOf(IssuedCertificate e) {
    try {
      return Optional.of(
          Certificates.readAll(Files.readAllBytes(e.certificateFile()), e.id())
              .get(0)
              .getIssuerX500Principal());
    } catch (IOException | PkiException ex) {
      return Optional.empty();
    }
  }

  /** The root key, which only a rollover needs when there is an intermediate. */
  private PrivateKey rootKey() {
    if (intermediate == null) {
      return issuingKey();
    }
    Path file = dir.resolve(CA_KEY);
    if (!Files.exists(file)) {
      throw new PkiException(
          Reason.ROOT_KEY_OFFLINE,
          CA_KEY + " is not in " + dir + ": bring the root key back to cross-sign the new CA");
    }
    PrivateKey key = Keys.readPrivateKey(readText(file), CA_KEY, password);
    if (!Keys.matches(key, root.getPublicKey())) {
      throw new PkiException(
          Reason.KEY_MISMATCH,
          CA_KEY + " does not belong to " + CA_CRT + ": the CA files were mixed up");
    }
    return key;
  }

  /** The period of the current CRL in days, to keep it when the CA rewrites the CRL by itself. */
  private static int crlDays(X509CRL current) {
    if (current == null || current.getNextUpdate() == null) {
      return DEFAULT_CRL_DAYS;
    }
    long period =
        Duration.between(current.getThisUpdate().toInstant(), current.getNextUpdate().toInstant())
            .toDays();
    return (int) Math.max(1, Math.min(period, Names.MAX_DAYS));
  }

  // ---------------------------------------------------------------- revoke and CRL

  /**
   * Revokes the certificate with this id (or serial, in hex, colons allowed) and publishes a new
   * CRL at once, so a broker that re-reads its {@code crlfile} refuses it.
   *
   * @throws PkiException {@link Reason#UNKNOWN_ID} or {@link Reason#ALREADY_REVOKED}
   */
  public IssuedCertificate revoke(String idOrSerial, RevocationReason reason) {
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      List<IssuedCertificate> all = Index.readAll(dir);
      IssuedCertificate entry = lookup(all, idOrSerial);
      if (entry.revoked()) {
        throw new PkiException(
            Reason.ALREADY_REVOKED,
            entry.id()
                + " (serial "
                + entry.serialHex()
                + ") was already revoked at "
                + entry.revokedAt().get());
      }
      IssuedCertificate revoked =
          entry.revoke(Instant.now().truncatedTo(ChronoUnit.SECONDS), reason);
      // Sign the CRL before touching the index, so a key problem changes nothing.
      issuingKey();
      all.set(all.indexOf(entry), revoked);
      Index.writeAll(dir, all);
      X509CRL current = readCrl().orElse(null);
      publishCrl(revokedEntries(all), crlDays(current), current);
      return revoked;
    }
  }

  /**
   * Makes sure {@code crl.pem} lists every revoked certificate and is valid for at least half of
   * {@code days}; writes a new CRL only when it is not (idempotent), or always when {@code force}.
   */
  public CrlStatus writeCrl(int days, boolean force) {
    Names.checkDays(days);
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      List<IssuedCertificate> revoked = revokedEntries(Index.readAll(dir));
      X509CRL current = readCrl().orElse(null);
      if (!force && current != null && isCurrent(current, revoked, days)) {
        return status(current, false);
      }
      return publishCrl(revoked, days, current);
    }
  }

  /** The current CRL, without changing anything; empty when there is none. */
  public Optional<CrlStatus> crlStatus() {
    return readCrl().map(crl -> status(crl, false));
  }

  // ---------------------------------------------------------------- export

  /**
   * Exports the CA ({@code target} = {@code ca}) or an issued certificate in a format for another
   * program. For an id, firmware formats (c-header, zephyr, nrf-at) hold the CA and the device
   * certificate, and with {@link ExportOptions#withKey()} its private key too; p12 and jks always
   * hold the key with the chain, plus the CA as a trusted entry.
   *
   * @param password the p12/jks password (required for those formats, ignored otherwise)
   * @throws PkiException {@link Reason#KEY_NOT_AVAILABLE} when the format needs a key the CA does
   *     not hold (a CSR-signed device); {@link Reason#UNKNOWN_ID}; {@link Reason#INVALID_ARGUMENT}
   */
  public byte[] export(String target, ExportOptions options, char[] password) {
    if (target.equalsIgnoreCase("ca")) {
      return Exporter.exportCa(root, options, password);
    }
    Names.checkId(target);
    return Exporter.exportIssued(root, lookupId(Index.read(dir), target), options, password);
  }

  /**
   * Exports like {@link #export(String, ExportOptions, char[])} into a file, atomically; the file
   * gets mode 0600 when it holds a private key.
   */
  public void export(String target, ExportOptions options, char[] password, Path out) {
    byte[] data = export(target, options, password);
    boolean secret =
        options.withKey()
            || (!target.equalsIgnoreCase("ca")
                && (options.format() == ExportFormat.P12 || options.format() == ExportFormat.JKS));
    AtomicFiles.write(out, data, secret, false);
  }

  // ---------------------------------------------------------------- inspect

  /**
   * Inspects an issued certificate (by id, or {@code ca}) or any certificate file, and checks
   * whether it chains to this CA.
   */
  public CertificateInfo inspect(String idOrFile) {
    X509Certificate cert;
    List<X509Certificate> extra = List.of();
    Optional<Boolean> revoked = Optional.empty();
    if (idOrFile.equalsIgnoreCase("ca")) {
      cert = root;
    } else {
      Map<String, IssuedCertificate> index = Index.read(dir);
      IssuedCertificate entry = index.get(idOrFile);
      List<X509Certificate> chain;
      if (entry != null) {
        chain =
            Certificates.readAll(
                readBytes(entry.certificateFile()), entry.certificateFile().toString());
      } else {
        chain =
            readCertificateFile(
                Path.of(idOrFile),
                "'" + idOrFile + "' is neither an issued id nor a certificate file");
      }
      cert = chain.get(0);
      extra = chain.subList(1, chain.size());
      BigInteger serial = cert.getSerialNumber();
      for (IssuedCertificate e : Index.readAll(dir)) {
        if (e.serial().equals(serial)) {
          revoked = Optional.of(e.revoked());
        }
      }
    }
    return Inspector.describe(cert, Optional.of(verifyAnyGeneration(cert)), revoked);
  }

  /** Verifies against this CA, and during a rollover also against the previous CA. */
  private CertificateInfo.Verification verifyAnyGeneration(X509Certificate cert) {
    CertificateInfo.Verification v = Inspector.verify(cert, root, intermediate);
    if (v.verified() || !Generations.inProgress(dir)) {
      return v;
    }
    Path previous = dir.resolve(Generations.PREVIOUS);
    X509Certificate oldRoot = readCaCertificate(previous.resolve(CA_CRT));
    X509Certificate oldInt =
        Files.exists(previous.resolve(INT_CRT))
            ? readCaCertificate(previous.resolve(INT_CRT))
            : null;
    CertificateInfo.Verification old = Inspector.verify(cert, oldRoot, oldInt);
    return old.verified()
        ? new CertificateInfo.Verification(
            true, old.detail() + " (the previous CA, still trusted until 'pki ca retire-old')")
        : v;
  }

  /** Inspects a certificate file without any CA: no verification. */
  public static CertificateInfo inspect(Path file) {
    List<X509Certificate> chain = readCertificateFile(file, file + " cannot be read");
    return Inspector.describe(chain.get(0), Optional.empty(), Optional.empty());
  }

  // ---------------------------------------------------------------- internals

  private interface LeafBuilder {
    X509Certificate build(
        Certificates.Signer signer, PublicKey key, Instant notBefore, Instant notAfter);
  }

  private IssuedCertificate mint(
      String id, CertificateKind kind, KeyPair keys, int days, LeafBuilder builder) {
    return mint(id, kind, keys, days, Certificates.signer(issuer(), issuingKey()), false, builder);
  }

  private IssuedCertificate mint(
      String id,
      CertificateKind kind,
      KeyPair keys,
      int days,
      Certificates.Signer signer,
      boolean replace,
      LeafBuilder builder) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant notBefore = now.minus(BACKDATE);
    Instant notAfter = now.plus(Duration.ofDays(days));
    Instant caEnd = issuer().getNotAfter().toInstant();
    if (notAfter.isAfter(caEnd)) {
      // A leaf outliving its CA would fail verification after the CA expires anyway.
      notAfter = caEnd;
    }
    X509Certificate cert = builder.build(signer, keys.getPublic(), notBefore, notAfter);
    Path certFile = Index.certificateFile(dir, id);
    Path keyFile = Index.keyFile(dir, id);
    String pem = Certificates.toPem(cert) + chainPem(kind);
    // Renewal replaces the live files (a broker watching them reloads); issuing never does.
    if (keys.getPrivate() != null) {
      byte[] keyPem = ascii(Keys.toPem(keys.getPrivate()));
      if (replace) {
        AtomicFiles.write(keyFile, keyPem, true, false);
      } else {
        AtomicFiles.writeNew(keyFile, keyPem, true, false);
      }
    }
    if (replace) {
      AtomicFiles.write(certFile, ascii(pem), false, false);
    } else {
      AtomicFiles.writeNew(certFile, ascii(pem), false, false);
    }
    return new IssuedCertificate(
        id,
        kind,
        cert.getSerialNumber(),
        notBefore,
        notAfter,
        Optional.empty(),
        Optional.empty(),
        certFile,
        keys.getPrivate() == null ? Optional.empty() : Optional.of(keyFile));
  }

  /**
   * What follows the leaf in {@code certs/ID.crt}: the intermediate, and during a rollover, for
   * servers, the cross certificate, so devices that hold only the previous root still verify it.
   */
  private String chainPem(CertificateKind kind) {
    String chain = intermediate == null ? "" : Certificates.toPem(intermediate);
    if (cross != null && kind != CertificateKind.DEVICE) {
      chain += Certificates.toPem(cross);
    }
    return chain;
  }

  /**
   * Refuses an id whose current certificate is still valid (that is what renew is for); files a
   * revoked or expired one as history so the id can be issued again.
   */
  private void requireIssuable(Map<String, IssuedCertificate> index, String id) {
    IssuedCertificate existing = index.get(id);
    if (existing == null) {
      requireNew(index, id);
      return;
    }
    if (!existing.revoked() && existing.notAfter().isAfter(Instant.now())) {
      throw new PkiException(
          Reason.ALREADY_EXISTS,
          id
              + " has a valid certificate (serial "
              + existing.serialHex()
              + ", until "
              + existing.notAfter()
              + "): renew it with 'mqttls pki renew "
              + id
              + "', or revoke it first to issue a new one");
    }
    issuingKey(); // a CA that cannot sign must not move the old files away
    Archive.move(dir, existing);
  }

  private void requireNew(Map<String, IssuedCertificate> index, String id) {
    IssuedCertificate existing = index.get(id);
    if (existing != null) {
      throw new PkiException(
          Reason.ALREADY_EXISTS,
          id
              + " was already issued (serial "
              + existing.serialHex()
              + "); choose another id or revoke it and use a new one");
    }
    if (Files.exists(Index.certificateFile(dir, id)) || Files.exists(Index.keyFile(dir, id))) {
      throw new PkiException(
          Reason.ALREADY_EXISTS,
          "certs/"
              + id
              + ".crt or private/"
              + id
              + ".key exists but is not in the index; move it away first");
    }
  }

  private static int highestNumber(Collection<String> ids, String prefix) {
    Pattern p = Pattern.compile(Pattern.quote(prefix) + "(\\d{1,9})");
    int max = 0;
    for (String id : ids) {
      Matcher m = p.matcher(id);
      if (m.matches()) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
    }
    return max;
  }

  private static IssuedCertificate lookupId(Map<String, IssuedCertificate> index, String id) {
    IssuedCertificate e = index.get(id);
    if (e == null) {
      throw new PkiException(
          Reason.UNKNOWN_ID,
          "no certificate with id '"
              + Names.printable(id)
              + "' in this CA ('mqttls pki list' shows them)");
    }
    return e;
  }

  private static IssuedCertificate lookup(List<IssuedCertificate> all, String idOrSerial) {
    // An id means its current certificate (the last line); a serial may be any, history included.
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).id().equals(idOrSerial)) {
        return all.get(i);
      }
    }
    String hex = idOrSerial.replace(":", "").toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
    if (hex.matches("[0-9a-f]{1,40}")) {
      BigInteger serial = new BigInteger(hex, 16);
      for (IssuedCertificate c : all) {
        if (c.serial().equals(serial)) {
          return c;
        }
      }
    }
    throw new PkiException(
        Reason.UNKNOWN_ID,
        "no certificate with id or serial '"
            + Names.printable(idOrSerial)
            + "' in this CA ('mqttls pki list' shows them)");
  }

  private X509Certificate issuer() {
    return intermediate != null ? intermediate : root;
  }

  private PrivateKey issuingKey() {
    PrivateKey key = issuingKey;
    if (key == null) {
      synchronized (this) {
        key = issuingKey;
        if (key == null) {
          String name = intermediate != null ? INT_KEY : CA_KEY;
          Path file = dir.resolve(name);
          String pem;
          try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
          } catch (NoSuchFileException e) {
            throw new PkiException(
                Reason.CORRUPT_KEY,
                name + " is missing in " + dir + ": the CA cannot sign without it");
          } catch (IOException e) {
            throw new PkiException(Reason.IO, "cannot read " + file + ": " + Keys.oneLine(e), e);
          }
          key = Keys.readPrivateKey(pem, name, password);
          if (!Keys.matches(key, issuer().getPublicKey())) {
            throw new PkiException(
                Reason.KEY_MISMATCH,
                name
                    + " does not belong to "
                    + (intermediate != null ? INT_CRT : CA_CRT)
                    + ": the CA files were mixed up");
          }
          issuingKey = key;
        }
      }
    }
    return key;
  }

  private static List<IssuedCertificate> revokedEntries(Collection<IssuedCertificate> all) {
    List<IssuedCertificate> out = new ArrayList<>();
    for (IssuedCertificate e : all) {
      if (e.revoked()) {
        out.add(e);
      }
    }
    return out;
  }

  private boolean isCurrent(X509CRL crl, List<IssuedCertificate> revoked, int days) {
    if (!crl.getIssuerX500Principal().equals(issuer().getSubjectX500Principal())
        || crl.getNextUpdate() == null) {
      return false;
    }
    Set<BigInteger> listed = new HashSet<>();
    if (crl.getRevokedCertificates() != null) {
      crl.getRevokedCertificates().forEach(r -> listed.add(r.getSerialNumber()));
    }
    Set<BigInteger> wanted = new HashSet<>();
    revoked.forEach(r -> wanted.add(r.serial()));
    Duration left = Duration.between(Instant.now(), crl.getNextUpdate().toInstant());
    return listed.equals(wanted) && left.compareTo(Duration.ofDays(days).dividedBy(2)) >= 0;
  }

  private CrlStatus publishCrl(List<IssuedCertificate> revoked, int days, X509CRL previous) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    BigInteger number =
        previous == null ? BigInteger.ONE : Crls.number(previous).add(BigInteger.ONE);
    Instant next = now.plus(Duration.ofDays(days));
    List<IssuedCertificate> active = revoked;
    String previousPem = "";
    try {
      if (Generations.inProgress(dir)) {
        // During a rollover the old CA vouches for its own certificates: a broker checking a
        // CRL needs one from the issuer of each device certificate.
        X509Certificate oldIssuer = readCaCertificate(Generations.previousIssuerCertificate(dir));
        active = new ArrayList<>();
        List<IssuedCertificate> old = new ArrayList<>();
        for (IssuedCertificate e : revoked) {
          boolean byOld =
              issuerOf(e).map(oldIssuer.getSubjectX500Principal()::equals).orElse(false);
          (byOld ? old : active).add(e);
        }
        Path keyFile = Generations.previousIssuerKey(dir);
        PrivateKey oldKey =
            Keys.readPrivateKey(readText(keyFile), keyFile.getFileName().toString(), password);
        X509CRL oldCrl = Crls.build(oldIssuer, oldKey, old, now, next, number);
        previousPem = Pem.encode("X509 CRL", oldCrl.getEncoded());
      }
      X509CRL crl = Crls.build(issuer(), issuingKey(), active, now, next, number);
      AtomicFiles.write(
          dir.resolve(CRL),
          ascii(Pem.encode("X509 CRL", crl.getEncoded()) + previousPem),
          false,
          true);
      return status(crl, true);
    } catch (java.security.cert.CRLException e) {
      throw new PkiException(Reason.IO, "cannot encode the CRL: " + Keys.oneLine(e), e);
    }
  }

  private CrlStatus status(X509CRL crl, boolean rewritten) {
    int count = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
    return new CrlStatus(
        dir.resolve(CRL),
        rewritten,
        Crls.number(crl),
        count,
        crl.getThisUpdate().toInstant(),
        crl.getNextUpdate() == null ? Instant.MAX : crl.getNextUpdate().toInstant());
  }

  private Optional<X509CRL> readCrl() {
    Path file = dir.resolve(CRL);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = readText(file);
    try {
      for (Pem.Block b : Pem.decodeAll(text)) {
        if (b.type().equals("X509 CRL")) {
          return Optional.of(Crls.parse(b.der()));
        }
      }
    } catch (IllegalArgumentException | PkiException e) {
      // A damaged CRL is replaced by the next one written; say so rather than stop.
      throw new PkiException(
          Reason.CORRUPT_FILE, file + " is damaged: run 'mqttls pki crl --force' to rewrite it", e);
    }
    throw new PkiException(
        Reason.CORRUPT_FILE, file + " holds no CRL: run 'mqttls pki crl --force' to rewrite it");
  }

  private static List<X509Certificate> readCertificateFile(Path file, String missing) {
    if (!Files.isRegularFile(file)) {
      throw new PkiException(Reason.BAD_INPUT_FILE, missing);
    }
    try {
      return Certificates.readAll(readBytes(file), file.toString());
    } catch (PkiException e) {
      throw new PkiException(Reason.BAD_INPUT_FILE, e.getMessage(), e);
    }
  }

  private static X509Certificate readCaCertificate(Path file) {
    try {
      return Certificates.readAll(readBytes(file), file.toString()).get(0);
    } catch (PkiException e) {
      if (e.reason() != Reason.CORRUPT_FILE) {
        throw e;
      }
      throw new PkiException(
          Reason.CORRUPT_FILE,
          file + " is damaged (not a PEM or DER certificate): restore it from a backup",
          e);
    }
  }

  private static void writeReadme(Path dir) {
    String text =
        "This directory is a certificate authority made by 'mqttls pki'. Layout:\n\n"
            + "  ca.crt            root CA certificate: give it to brokers (cafile) and devices\n"
            + "  ca.key            root CA private key (0600); with an intermediate it may be kept offline\n"
            + "  intermediate.crt  (only with --intermediate) the issuing CA, signed by the root\n"
            + "  intermediate.key  its private key (0600)\n"
            + "  certs/ID.crt      issued certificate (then intermediate.crt when there is one)\n"
            + "  private/ID.key    its private key (0600); absent when the device sent a CSR\n"
            + "  certs/history/    certificates superseded by renew or re-issue (ID.SERIAL.crt)\n"
            + "  private/history/  keys replaced by 'renew --rekey' (ID.SERIAL.key)\n"
            + "  previous/         during a CA rollover: the old CA (see docs/ca-rollover.md)\n"
            + "  cross.crt         during a CA rollover: the new root certified by the old one\n"
            + "  retired/SERIAL/   CAs retired by 'mqttls pki ca retire-old'\n"
            + "  crl.pem           certificate revocation list (a broker's crlfile)\n"
            + "  index.txt         issued certificates, one tab-separated line each:\n"
            + "                    id kind serial_hex not_before not_after revoked_at reason key|csr\n"
            + "                    (an id has a line per certificate it had; the last is current)\n"
            + "  .lock             held while a 'mqttls pki' command changes the directory\n";
    AtomicFiles.write(dir.resolve("README.txt"), ascii(text), false, false);
  }

  private static String readText(Path file) {
    return new String(readBytes(file), StandardCharsets.US_ASCII);
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new PkiException(Reason.CORRUPT_FILE, file + " is missing");
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot read " + file + ": " + Keys.oneLine(e), e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + dir + ", " + root.getSubjectX500Principal().getName() + "]";
  }
}
