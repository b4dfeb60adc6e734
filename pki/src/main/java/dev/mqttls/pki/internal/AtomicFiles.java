package dev.mqttls.pki.internal;

import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a reader sees the old content or the new, never half of it: the bytes go to
 * a temporary file in the same directory, which is then renamed over the target.
 */
public final class AtomicFiles {
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC =
      PosixFilePermissions.fromString("rw-r--r--");

  private AtomicFiles() {}

  /**
   * Writes {@code data} to {@code target}, replacing it.
   *
   * @param secret whether the file holds a private key: it is created with mode 0600 from the start
   * @param durable whether to fsync before the rename (CA keys, the index, the CRL)
   */
  public static void write(Path target, byte[] data, boolean secret, boolean durable) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = createTemp(dir, target.getFileName().toString(), secret);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (durable) {
          ch.force(true);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot write " + target + ": " + Keys.oneLine(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: the write already failed and that is what gets reported.
        }
      }
    }
  }

  /** Like {@link #write} but refuses to replace an existing file. */
  public static void writeNew(Path target, byte[] data, boolean secret, boolean durable) {
    if (Files.exists(target)) {
      throw new PkiException(Reason.ALREADY_EXISTS, target + " already exists; not overwriting it");
    }
    write(target, data, secret, durable);
  }

  private static Path createTemp(Path dir, String name, boolean secret) throws IOException {
    String prefix = "." + name + ".";
    try {
      FileAttribute<Set<PosixFilePermission>> mode =
          PosixFilePermissions.asFileAttribute(secret ? PRIVATE : PUBLIC);
      return Files.createTempFile(dir, prefix, ".tmp", mode);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: rely on the directory's own protection.
      return Files.createTempFile(dir, prefix, ".tmp");
    }
  }

  /** Creates a directory (and parents) with the given POSIX mode when the file system has modes. */
  public static void createDirectory(Path dir, String mode) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        try {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException ignored) {
          // Not a POSIX file system.
        }
      }
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot create " + dir + ": " + Keys.oneLine(e), e);
    }
  }
}
