package dev.mqttls.pki.internal;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The files of a CA rollover: the previous generation kept in {@code previous/} while both are
 * trusted, the new root cross-certified by the previous one in {@code cross.crt}, {@code ca.crt}
 * holding both roots, and at retirement everything of the previous generation moved to {@code
 * retired/SERIAL/}.
 */
public final class Generations {
  /** The previous generation's directory during the overlap. */
  public static final String PREVIOUS = "previous";

  /** Where retired generations go. */
  public static final String RETIRED = "retired";

  /** The new root certified by the previous root. */
  public static final String CROSS = "cross.crt";

  private static final Pattern GENERATION = Pattern.compile("(.*) G(\\d{1,4})");

  private Generations() {}

  /**
   * The path length a root gets: room for its own intermediate (if any) plus one cross certificate
   * of a successor below it, so the next rollover can keep devices that hold only this root.
   */
  public static int rootPathLength(boolean intermediate) {
    return intermediate ? 2 : 1;
  }

  /** Whether a rollover is under way (its previous generation is still trusted). */
  public static boolean inProgress(Path dir) {
    return Files.isRegularFile(dir.resolve(PREVIOUS).resolve("ca.crt"));
  }

  /** The default name of the next generation: "Fleet CA" becomes "Fleet CA G2", then "G3". */
  public static String nextName(X509Certificate root, boolean intermediate) {
    String cn = commonName(root.getSubjectX500Principal());
    if (intermediate && cn.endsWith(" Root")) {
      cn = cn.substring(0, cn.length() - " Root".length());
    }
    Matcher m = GENERATION.matcher(cn);
    if (m.matches()) {
      return m.group(1) + " G" + (Integer.parseInt(m.group(2)) + 1);
    }
    return cn + " G2";
  }

  /**
   * The previous generation's issuing certificate and key file, when a rollover is under way: the
   * CA signs its CRL with it so brokers keep checking revocation of the old devices.
   */
  public static Path previousIssuerCertificate(Path dir) {
    Path p = dir.resolve(PREVIOUS);
    return Files.exists(p.resolve("intermediate.crt"))
        ? p.resolve("intermediate.crt")
        : p.resolve("ca.crt");
  }

  /** The key file belonging to {@link #previousIssuerCertificate}. */
  public static Path previousIssuerKey(Path dir) {
    Path p = dir.resolve(PREVIOUS);
    return Files.exists(p.resolve("intermediate.crt"))
        ? p.resolve("intermediate.key")
        : p.resolve("ca.key");
  }

  /** What {@link #rollover} made. */
  public record Made(X509Certificate root, X509Certificate intermediate, X509Certificate cross) {}

  /**
   * Makes the next generation and writes it: first the previous generation is copied to {@code
   * previous/} (so an interrupted rollover can be undone by hand), then the new keys, the cross
   * certificate, the new intermediate, and last {@code ca.crt} with the new root before the old.
   *
   * @param oldRootKey the previous root's key, which signs the cross certificate
   * @param options the new CA's name, key type, validity and whether it has an intermediate
   */
  public static Made rollover(
      Path dir,
      X509Certificate oldRoot,
      PrivateKey oldRootKey,
      CaOptions options,
      char[] password,
      Instant notBefore,
      Instant notAfter) {
    Path previous = dir.resolve(PREVIOUS);
    AtomicFiles.createDirectory(previous, "rwx------");
    for (String name : new String[] {"ca.key", "intermediate.crt", "intermediate.key", "crl.pem"}) {
      if (Files.exists(dir.resolve(name))) {
        copy(dir.resolve(name), previous.resolve(name));
      }
    }
    AtomicFiles.write(previous.resolve("ca.crt"), ascii(Certificates.toPem(oldRoot)), false, true);

    boolean intermediate = options.intermediate();
    KeyPair rootKeys = Keys.generate(options.keyType());
    X500Name rootName = Certificates.commonName(options.name() + (intermediate ? " Root" : ""));
    var rootSigner = new Certificates.Signer(rootName, rootKeys.getPublic(), rootKeys.getPrivate());
    int pathLength = rootPathLength(intermediate);
    X509Certificate root =
        Certificates.ca(
            rootSigner, rootName, rootKeys.getPublic(), notBefore, notAfter, pathLength);
    X509Certificate cross = null;
    int oldLimit = oldRoot.getBasicConstraints();
    // Below the old root come the cross certificate and, with one, the new intermediate.
    if (oldLimit == Integer.MAX_VALUE || oldLimit >= (intermediate ? 2 : 1)) {
      Instant crossEnd = oldRoot.getNotAfter().toInstant();
      cross =
          Certificates.ca(
              Certificates.signer(oldRoot, oldRootKey),
              rootName,
              rootKeys.getPublic(),
              notBefore,
              crossEnd.isBefore(notAfter) ? crossEnd : notAfter,
              pathLength - 1);
    }
    X509Certificate intCert = null;
    KeyPair intKeys = null;
    if (intermediate) {
      intKeys = Keys.generate(options.keyType());
      intCert =
          Certificates.ca(
              rootSigner,
              Certificates.commonName(options.name() + " Issuing CA"),
              intKeys.getPublic(),
              notBefore,
              notAfter,
              0);
    }
    Keys.write(dir.resolve("ca.key"), rootKeys.getPrivate(), password);
    if (intKeys != null) {
      Keys.write(dir.resolve("intermediate.key"), intKeys.getPrivate(), password);
      AtomicFiles.write(
          dir.resolve("intermediate.crt"), ascii(Certificates.toPem(intCert)), false, true);
    } else {
      delete(dir.resolve("intermediate.key"));
      delete(dir.resolve("intermediate.crt"));
    }
    if (cross != null) {
      AtomicFiles.write(dir.resolve(CROSS), ascii(Certificates.toPem(cross)), false, true);
    }
    AtomicFiles.write(
        dir.resolve("ca.crt"),
        ascii(Certificates.toPem(root) + Certificates.toPem(oldRoot)),
        false,
        true);
    return new Made(root, intCert, cross);
  }

  /**
   * Retires the previous generation: {@code ca.crt} becomes the new root alone, and {@code
   * previous/} and {@code cross.crt} move to {@code retired/SERIAL/} (SERIAL of the old root).
   *
   * @return the archive directory
   */
  public static Path retire(Path dir, X509Certificate root, X509Certificate previousRoot) {
    Path archive = dir.resolve(RETIRED).resolve(previousRoot.getSerialNumber().toString(16));
    AtomicFiles.createDirectory(dir.resolve(RETIRED), "rwx------");
    // The trust change first: once ca.crt holds only the new root, the old one is retired.
    AtomicFiles.write(dir.resolve("ca.crt"), ascii(Certificates.toPem(root)), false, true);
    try {
      Files.move(dir.resolve(PREVIOUS), archive, StandardCopyOption.ATOMIC_MOVE);
      if (Files.exists(dir.resolve(CROSS))) {
        Files.move(dir.resolve(CROSS), archive.resolve(CROSS), StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new PkiException(
          Reason.IO, "cannot move the old CA to " + archive + ": " + Keys.oneLine(e), e);
    }
    return archive;
  }

  private static String commonName(X500Principal p) {
    X500Name n = X500Name.getInstance(p.getEncoded());
    var rdns = n.getRDNs(BCStyle.CN);
    return rdns.length == 0 ? p.getName() : IETFUtils.valueToString(rdns[0].getFirst().getValue());
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot copy " + from + ": " + Keys.oneLine(e), e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot delete " + file + ": " + Keys.oneLine(e), e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
