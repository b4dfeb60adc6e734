package dev.mqttls.pki.internal;

import dev.mqttls.pki.CertificateKind;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import dev.mqttls.pki.RevocationReason;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The CA's index of issued certificates, {@code index.txt}: one tab-separated line per certificate,
 * comment lines starting with {@code #}. Columns: id, kind ({@code server}, {@code device} or
 * {@code node}), serial (hex), not-before and not-after (ISO-8601 UTC), revoked-at (or {@code -}),
 * revocation reason (or {@code -}), key ({@code key} when {@code private/ID.key} was made here,
 * {@code csr} when the key stayed on the device).
 *
 * <p>An id may have several lines: renewal and re-issue keep the earlier certificates as history.
 * The last line of an id is its current certificate, in {@code certs/ID.crt}; an earlier one lives
 * in {@code certs/history/ID.SERIAL.crt}, and its key, when a renewal replaced it, in {@code
 * private/history/ID.SERIAL.key} (otherwise it shares the current key).
 */
public final class Index {
  /** The index file's name inside the CA directory. */
  public static final String FILE = "index.txt";

  private static final String HEADER =
      "# mqttls CA index: one issued certificate per line, tab-separated. Written by mqttls pki;\n"
          + "# safe to read, edit only with the CA stopped. Columns:\n"
          + "# id\tkind\tserial_hex\tnot_before\tnot_after\trevoked_at\treason\tkey\n";

  private Index() {}

  /** Reads the current certificate of every id; a missing file is an empty index. */
  public static Map<String, IssuedCertificate> read(Path dir) {
    Map<String, IssuedCertificate> current = new LinkedHashMap<>();
    for (IssuedCertificate e : readAll(dir)) {
      current.remove(e.id());
      current.put(e.id(), e);
    }
    return current;
  }

  /** Every line of the index, history included, in file order (oldest first). */
  public static List<IssuedCertificate> readAll(Path dir) {
    Path file = dir.resolve(FILE);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new ArrayList<>();
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot read " + file + ": " + Keys.oneLine(e), e);
    }
    List<IssuedCertificate> entries = new ArrayList<>();
    Map<String, Integer> last = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      IssuedCertificate entry = parse(dir, line, file, i + 1);
      last.put(entry.id(), entries.size());
      entries.add(entry);
    }
    // Backwards, so each superseded line finds the key it shared with its successors: a renewal
    // that made a new key filed the old one under the serial it superseded.
    Map<String, Path> laterKey = new HashMap<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      IssuedCertificate e = entries.get(i);
      if (last.get(e.id()) != i) {
        Path archived = historyKeyFile(dir, e.id(), e.serial());
        if (Files.exists(archived)) {
          laterKey.put(e.id(), archived);
        }
        entries.set(i, asHistory(dir, e, laterKey.get(e.id())));
      }
    }
    return entries;
  }

  /**
   * Writes these entries as the current certificates of their ids (atomically). Lines of the file
   * with the same id and serial are replaced in place, new ones are appended, and every other line
   * stays: the history is never lost by a caller that holds only the current entries.
   */
  public static void write(Path dir, Collection<IssuedCertificate> entries) {
    List<IssuedCertificate> all = readAll(dir);
    Map<String, IssuedCertificate> given = new LinkedHashMap<>();
    for (IssuedCertificate e : entries) {
      given.put(lineKey(e), e);
    }
    List<IssuedCertificate> merged = new ArrayList<>(all.size() + 1);
    for (IssuedCertificate e : all) {
      IssuedCertificate replacement = given.remove(lineKey(e));
      merged.add(replacement != null ? replacement : e);
    }
    merged.addAll(given.values());
    writeAll(dir, merged);
  }

  /** Replaces the whole index, history included, with these lines in this order (atomically). */
  public static void writeAll(Path dir, List<IssuedCertificate> entries) {
    StringBuilder sb = new StringBuilder(HEADER.length() + entries.size() * 120);
    sb.append(HEADER);
    for (IssuedCertificate e : entries) {
      sb.append(e.id())
          .append('\t')
          .append(e.kind().label())
          .append('\t')
          .append(e.serialHex())
          .append('\t')
          .append(e.notBefore())
          .append('\t')
          .append(e.notAfter())
          .append('\t')
          .append(e.revokedAt().map(Instant::toString).orElse("-"))
          .append('\t')
          .append(e.revocationReason().map(RevocationReason::label).orElse("-"))
          .append('\t')
          .append(e.keyFile().isPresent() ? "key" : "csr")
          .append('\n');
    }
    AtomicFiles.write(
        dir.resolve(FILE), sb.toString().getBytes(StandardCharsets.UTF_8), false, true);
  }

  /** Where the certificate of an id lives. */
  public static Path certificateFile(Path dir, String id) {
    return dir.resolve("certs").resolve(id + ".crt");
  }

  /** Where the private key of an id lives. */
  public static Path keyFile(Path dir, String id) {
    return dir.resolve("private").resolve(id + ".key");
  }

  /** Where a superseded certificate is kept. */
  public static Path historyCertificateFile(Path dir, String id, BigInteger serial) {
    return dir.resolve("certs").resolve("history").resolve(id + "." + serial.toString(16) + ".crt");
  }

  /** Where a superseded certificate's key is kept when its successor got a new key. */
  public static Path historyKeyFile(Path dir, String id, BigInteger serial) {
    return dir.resolve("private")
        .resolve("history")
        .resolve(id + "." + serial.toString(16) + ".key");
  }

  /** The entry with the paths of a superseded certificate. */
  private static IssuedCertificate asHistory(Path dir, IssuedCertificate e, Path archivedKey) {
    Optional<Path> key = e.keyFile();
    if (key.isPresent() && archivedKey != null) {
      key = Optional.of(archivedKey);
    }
    return e.withFiles(historyCertificateFile(dir, e.id(), e.serial()), key);
  }

  private static String lineKey(IssuedCertificate e) {
    return e.id() + "/" + e.serialHex();
  }

  private static IssuedCertificate parse(Path dir, String line, Path file, int lineNo) {
    String[] f = line.split("\t", -1);
    try {
      if (f.length != 8) {
        throw new IllegalArgumentException("expected 8 tab-separated columns, found " + f.length);
      }
      String id = Names.checkId(f[0]);
      CertificateKind kind = CertificateKind.valueOf(f[1].toUpperCase(Locale.ROOT));
      BigInteger serial = new BigInteger(f[2], 16);
      Instant notBefore = Instant.parse(f[3]);
      Instant notAfter = Instant.parse(f[4]);
      Optional<Instant> revokedAt =
          f[5].equals("-") ? Optional.empty() : Optional.of(Instant.parse(f[5]));
      Optional<RevocationReason> reason =
          f[6].equals("-") ? Optional.empty() : Optional.of(RevocationReason.parse(f[6]));
      if (!f[7].equals("key") && !f[7].equals("csr")) {
        throw new IllegalArgumentException("key column must be 'key' or 'csr'");
      }
      Optional<Path> key = f[7].equals("key") ? Optional.of(keyFile(dir, id)) : Optional.empty();
      return new IssuedCertificate(
          id, kind, serial, notBefore, notAfter, revokedAt, reason, certificateFile(dir, id), key);
    } catch (IllegalArgumentException | DateTimeParseException | PkiException e) {
      throw new PkiException(
          Reason.CORRUPT_FILE,
          file + ":" + lineNo + ": unreadable index line: " + Keys.oneLine(e),
          e);
    }
  }

  /** The current entry of every id, in index order. */
  public static List<IssuedCertificate> list(Path dir) {
    return new ArrayList<>(read(dir).values());
  }
}
