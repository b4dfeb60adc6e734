package dev.mqttls.tls.psk;

import dev.mqttls.tls.TlsMaterialException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mosquitto's {@code psk_file}: one {@code identity:hexkey} line per device; blank lines and lines
 * starting with {@code #} are ignored. The identity is everything before the first colon (it may
 * not be empty); the key is hexadecimal, 1 to 64 bytes (OpenSSL's and Mosquitto's limit). A bad
 * line refuses the whole file with {@code FILE:LINE: what is wrong}, never quoting the key.
 */
public final class PskFile {
  /** Largest key, in bytes: Mosquitto's and OpenSSL's PSK_MAX_PSK_LEN is 256, its hex form 64. */
  public static final int MAX_KEY_BYTES = 64;

  /** Largest identity, in bytes (OpenSSL's PSK_MAX_IDENTITY_LEN is 128 in 1.x, 256 since 3.0). */
  public static final int MAX_IDENTITY_BYTES = 128;

  private PskFile() {}

  /**
   * Reads and validates a whole file.
   *
   * @throws TlsMaterialException {@code FILE:LINE: ...} for a bad line, or the file's read error
   */
  public static PskKeys read(Path file) throws TlsMaterialException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TlsMaterialException(file, "cannot read psk_file: " + e.getClass().getSimpleName());
    }
    return parse(lines, file);
  }

  /** As {@link #read} for text already read; {@code file} names it in errors. */
  public static PskKeys parse(List<String> lines, Path file) throws TlsMaterialException {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int n = i + 1;
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw error(file, n, "expected identity:hexkey, found no ':'");
      }
      String identity = line.substring(0, colon);
      String hex = line.substring(colon + 1).strip();
      checkIdentity(file, n, identity);
      if (keys.containsKey(identity)) {
        throw error(file, n, "identity '" + identity + "' given twice");
      }
      keys.put(identity, parseKey(file, n, hex));
    }
    return PskKeys.of(keys);
  }

  /**
   * Checks an identity as this file stores it.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static void checkIdentity(String identity) {
    String why = identityProblem(identity);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  private static void checkIdentity(Path file, int line, String identity)
      throws TlsMaterialException {
    String why = identityProblem(identity);
    if (why != null) {
      throw error(file, line, why);
    }
  }

  private static String identityProblem(String identity) {
    if (identity.isEmpty()) {
      return "empty identity before ':'";
    }
    if (identity.indexOf(':') >= 0) {
      return "identity '" + identity + "' contains ':'";
    }
    if (identity.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTITY_BYTES) {
      return "identity longer than " + MAX_IDENTITY_BYTES + " bytes";
    }
    for (int i = 0; i < identity.length(); i++) {
      char c = identity.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
        return "identity contains a space or a control character";
      }
    }
    return null;
  }

  private static byte[] parseKey(Path file, int line, String hex) throws TlsMaterialException {
    if (hex.isEmpty()) {
      throw error(file, line, "no key after ':'");
    }
    if (hex.length() % 2 != 0) {
      throw error(file, line, "key has an odd number of hex digits (" + hex.length() + ")");
    }
    if (hex.length() / 2 > MAX_KEY_BYTES) {
      throw error(file, line, "key longer than " + MAX_KEY_BYTES + " bytes");
    }
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        // the position only: the line holds a secret
        throw error(file, line, "key is not hexadecimal (character " + (i + 1) + " of the key)");
      }
    }
    return HexFormat.of().parseHex(hex);
  }

  private static TlsMaterialException error(Path file, int line, String why) {
    return new TlsMaterialException(null, file + ":" + line + ": " + why);
  }

  /** A new random key of {@code bytes} bytes from a {@link SecureRandom}. */
  public static byte[] randomKey(int bytes) {
    if (bytes < 1 || bytes > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key size must be 1 to " + MAX_KEY_BYTES + " bytes");
    }
    byte[] k = new byte[bytes];
    new SecureRandom().nextBytes(k);
    return k;
  }

  /**
   * Appends {@code identity:hexkey} to {@code file}, creating it with mode 0600 when absent (on
   * POSIX file systems). The file is read first: a bad existing file or an identity it already
   * holds is refused.
   *
   * @throws TlsMaterialException naming the file and what is wrong
   * @throws IllegalArgumentException when the identity or key cannot be stored
   */
  public static void append(Path file, String identity, byte[] key) throws TlsMaterialException {
    checkIdentity(identity);
    if (key.length < 1 || key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key size must be 1 to " + MAX_KEY_BYTES + " bytes");
    }
    boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    if (exists && read(file).contains(identity)) {
      throw new TlsMaterialException(file, "identity '" + identity + "' is already in the file");
    }
    String line = identity + ":" + HexFormat.of().formatHex(key) + "\n";
    try {
      if (!exists) {
        createPrivate(file);
      } else if (Files.size(file) > 0 && !endsWithNewline(file)) {
        line = "\n" + line;
      }
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new TlsMaterialException(file, "cannot write: " + e.getClass().getSimpleName());
    }
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    return all.length == 0 || all[all.length - 1] == '\n';
  }

  private static void createPrivate(Path file) throws IOException {
    Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(rw));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
  }
}
