package dev.mqttls.tls.client;

import dev.mqttls.tls.TlsMaterialException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What is wrong with a file a client is given, in words a user can act on: the cause and what to
 * do, never a Java class name. Checked up front, before a reader would fail with an exception.
 */
public final class FileProblems {
  private FileProblems() {}

  /**
   * What keeps {@code file} from being read, such as {@code the CA file does not exist: check the
   * path}; empty when it is a readable regular file.
   *
   * @param role what the file is, in words ("CA file", "private key file")
   */
  public static Optional<String> ofReadableFile(String role, Path file) {
    if (Files.isDirectory(file)) {
      return Optional.of("the " + role + " is a directory, not a file: give the path of the file");
    }
    if (!Files.exists(file)) {
      return Optional.of("the " + role + " does not exist: check the path");
    }
    if (!Files.isReadable(file)) {
      return Optional.of(
          "the " + role + " cannot be read (permission denied): check its owner and permissions");
    }
    return Optional.empty();
  }

  /** Throws what {@link #ofReadableFile} finds, naming {@code file}. */
  static void checkReadable(String role, Path file) throws TlsMaterialException {
    Optional<String> problem = ofReadableFile(role, file);
    if (problem.isPresent()) {
      throw new TlsMaterialException(file, problem.get());
    }
  }

  /** {@code e}, which happened reading a file, in words. */
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
