package dev.mqttls.tls;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS material (a certificate, key, CA, CRL or key store) could not be used. The message names the
 * file and the cause in plain words, e.g. {@code server.key: does not match the certificate in
 * server.crt}; it never contains a password or key bytes.
 */
public final class TlsMaterialException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * Creates an exception about {@code file}.
   *
   * @param file the file at fault, or {@code null} when no single file is
   * @param message the cause in plain words, without the file name (it is prepended)
   */
  public TlsMaterialException(Path file, String message) {
    this(file, message, null);
  }

  /**
   * Creates an exception about {@code file} with the lower-level cause.
   *
   * @param file the file at fault, or {@code null} when no single file is
   * @param message the cause in plain words, without the file name (it is prepended)
   * @param cause the lower-level exception, kept for the stack trace only
   */
  public TlsMaterialException(Path file, String message, Throwable cause) {
    super(file == null ? message : file + ": " + message, cause);
    this.file = file;
  }

  /** The file at fault, when one file is. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }
}
