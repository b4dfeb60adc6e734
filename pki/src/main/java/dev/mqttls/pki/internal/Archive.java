package dev.mqttls.pki.internal;

import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files a superseded certificate (and, when its successor gets a new key, its key) under {@code
 * certs/history/} and {@code private/history/}, where {@link Index} finds them by id and serial.
 */
public final class Archive {
  private Archive() {}

  /**
   * Copies the current files of {@code entry} to their history paths, leaving the live files in
   * place so that a broker watching them never sees them missing; the caller then replaces them.
   *
   * @param withKey whether the key is archived too (the successor gets a new key)
   */
  public static void copy(Path dir, IssuedCertificate entry, boolean withKey) {
    transfer(dir, entry, withKey, false);
  }

  /** Moves the current files of {@code entry} to their history paths, freeing the live paths. */
  public static void move(Path dir, IssuedCertificate entry) {
    transfer(dir, entry, true, true);
  }

  private static void transfer(Path dir, IssuedCertificate entry, boolean withKey, boolean move) {
    AtomicFiles.createDirectory(dir.resolve("certs").resolve("history"), "rwxr-xr-x");
    one(
        Index.certificateFile(dir, entry.id()),
        Index.historyCertificateFile(dir, entry.id(), entry.serial()),
        move);
    if (withKey && entry.keyFile().isPresent()) {
      AtomicFiles.createDirectory(dir.resolve("private").resolve("history"), "rwx------");
      one(
          Index.keyFile(dir, entry.id()),
          Index.historyKeyFile(dir, entry.id(), entry.serial()),
          move);
    }
  }

  private static void one(Path from, Path to, boolean move) {
    if (!Files.exists(from)) {
      return; // deleted by hand: the index line is the history that is left
    }
    try {
      if (move) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.copy(
            from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      }
    } catch (IOException e) {
      throw new PkiException(
          Reason.IO, "cannot file " + from + " as " + to + ": " + Keys.oneLine(e), e);
    }
  }

  /** Deletes a live file whose content was archived (a key that no longer has a certificate). */
  public static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot delete " + file + ": " + Keys.oneLine(e), e);
    }
  }
}
