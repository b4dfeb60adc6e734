package dev.mqttls.cli.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;

/**
 * The files users name on the command line, checked before use so that a missing or unreadable one
 * is reported as one sentence naming the flag, the path, the cause and the remedy, not as the Java
 * exception that reading it would throw.
 */
public final class InputFiles {
  private InputFiles() {}

  /** Fails with a usage error unless {@code file} is a readable regular file. */
  public static Path readableFile(String flag, Path file) {
    if (file == null) {
      return null;
    }
    if (!Files.exists(file)) {
      throw new CliFailure(
          ExitCodes.USAGE, flag + " " + file + ": no such file; check the path and spelling");
    }
    if (Files.isDirectory(file)) {
      throw new CliFailure(
          ExitCodes.USAGE, flag + " " + file + ": is a directory; give the path of a file");
    }
    if (!Files.isReadable(file)) {
      throw new CliFailure(ExitCodes.USAGE, notReadable(flag, file));
    }
    return file;
  }

  /** Fails with a usage error unless {@code dir} is a readable directory. */
  public static Path readableDirectory(String flag, Path dir) {
    if (dir == null) {
      return null;
    }
    if (!Files.exists(dir)) {
      throw new CliFailure(
          ExitCodes.USAGE, flag + " " + dir + ": no such directory; check the path and spelling");
    }
    if (!Files.isDirectory(dir)) {
      throw new CliFailure(
          ExitCodes.USAGE, flag + " " + dir + ": is a file, not a directory; give a directory");
    }
    if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      throw new CliFailure(ExitCodes.USAGE, notReadable(flag, dir));
    }
    return dir;
  }

  /** All bytes of {@code file}, or one sentence saying why it cannot be read. */
  public static byte[] readAllBytes(String flag, Path file) {
    readableFile(flag, file);
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.USAGE, describe(flag, file, e));
    }
  }

  /** All lines of {@code file} as UTF-8, or one sentence saying why it cannot be read. */
  public static List<String> readAllLines(String flag, Path file) {
    readableFile(flag, file);
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.USAGE, describe(flag, file, e));
    }
  }

  /**
   * One sentence for a failure to read {@code file}: the flag, the path, the cause in words and
   * what to do; never a Java class name.
   */
  public static String describe(String flag, Path file, IOException e) {
    String who = (flag == null ? "" : flag + " ") + file;
    if (e instanceof NoSuchFileException) {
      return who + ": no such file; check the path and spelling";
    }
    if (e instanceof AccessDeniedException) {
      return notReadable(flag, file);
    }
    if (e instanceof NotDirectoryException) {
      return who + ": a part of the path is not a directory; check the path";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return who + ": is not UTF-8 text; save it as UTF-8";
    }
    String reason = e.getMessage() == null ? "" : e.getMessage();
    if (reason.startsWith(file.toString())) {
      reason = reason.substring(file.toString().length()).replaceFirst("^[:\\s]+", "");
    }
    return who
        + ": cannot be read"
        + (reason.isEmpty() ? "" : " (" + reason + ")")
        + "; check that it is a readable file";
  }

  private static String notReadable(String flag, Path file) {
    String user = System.getProperty("user.name");
    return (flag == null ? "" : flag + " ")
        + file
        + ": permission denied; make it readable by "
        + user
        + " (chmod/chown) or run as a user who can read it";
  }
}
