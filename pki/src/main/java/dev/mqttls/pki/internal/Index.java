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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The CA's index of issued certificates, {@code index.txt}: one tab-separated line per certificate,
 * comment lines starting with {@code #}. Columns: id, kind ({@code server} or {@code device}),
 * serial (hex), not-before and not-after (ISO-8601 UTC), revoked-at (or {@code -}), revocation
 * reason (or {@code -}), key ({@code key} when {@code private/ID.key} was made here, {@code csr}
 * when the key stayed on the device).
 */
public final class Index {
  /** The index file's name inside the CA directory. */
  public static final String FILE = "index.txt";

  private static final String HEADER =
      "# mqttls CA index: one issued certificate per line, tab-separated. Written by mqttls pki;\n"
          + "# safe to read, edit only with the CA stopped. Columns:\n"
          + "# id\tkind\tserial_hex\tnot_before\tnot_after\trevoked_at\treason\tkey\n";

  private Index() {}

  /** Reads the index; a missing file is an empty index. */
  public static Map<String, IssuedCertificate> read(Path dir) {
    Path file = dir.resolve(FILE);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new LinkedHashMap<>();
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot read " + file + ": " + Keys.oneLine(e), e);
    }
    Map<String, IssuedCertificate> entries = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      IssuedCertificate entry = parse(dir, line, file, i + 1);
      entries.put(entry.id(), entry);
    }
    return entries;
  }

  /** Replaces the index with these entries (atomically). */
  public static void write(Path dir, Collection<IssuedCertificate> entries) {
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

  /** All entries, in index order. */
  public static List<IssuedCertificate> list(Path dir) {
    return new ArrayList<>(read(dir).values());
  }
}
