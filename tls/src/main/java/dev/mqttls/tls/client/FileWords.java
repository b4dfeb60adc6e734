package dev.mqttls.tls.client;

import dev.mqttls.tls.TlsMaterialException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Files a client reads, checked up front so that a problem is told in words, not as a class. */
final class FileWords {
  private FileWords() {}

  /**
   * Checks that {@code file} is a readable regular file.
   *
   * @param role what the file is, in words ("CA file", "private key file")
   */
  static void checkReadable(String role, Path file) throws TlsMaterialException {
    if (Files.isDirectory(file)) {
      throw new TlsMaterialException(
          file, "the " + role + " is a directory, not a file: give the path of the file");
    }
    if (!Files.exists(file)) {
      throw new TlsMaterialException(file, "the " + role + " does not exist: check the path");
    }
    if (!Files.isReadable(file)) {
      throw new TlsMaterialException(
          file,
          "the " + role + " cannot be read (permission denied): check its owner and permissions");
    }
  }

  /** {@code e}, which happened reading {@code file}, in words. */
  static String cause(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "cannot be read (permission denied)";
    }
    return "cannot be read";
  }
}
