package dev.mqttls.pki.provision;

import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import dev.mqttls.pki.internal.Keys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * One-time provisioning tokens: a file with one token per line ({@code #} comments and blank lines
 * ignored), read at each check so tokens can be added while the broker runs. A token is used up by
 * appending its SHA-256 (never the token) to {@code FILE.used} and forcing it to disk before the
 * certificate is sent, so a restart does not make it usable again.
 */
final class OneTimeTokens {
  private final Path file;
  private final Path used;

  OneTimeTokens(Path file) {
    this.file = file;
    this.used = file.resolveSibling(file.getFileName() + ".used");
  }

  /** Whether {@code token} is listed and not used yet. */
  boolean usable(String token) {
    String t = token.strip();
    if (t.isEmpty() || !lines(file).contains(t)) {
      return false;
    }
    return !lines(used).contains(digest(t));
  }

  /** Records {@code token} as used. */
  void use(String token) {
    byte[] line = (digest(token.strip()) + "\n").getBytes(StandardCharsets.US_ASCII);
    try (FileChannel ch =
        FileChannel.open(
            used, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(line));
      ch.force(true);
    } catch (IOException e) {
      throw new PkiException(
          Reason.IO, "cannot record a used token in " + used + ": " + Keys.oneLine(e), e);
    }
  }

  private static Set<String> lines(Path f) {
    Set<String> out = new HashSet<>();
    try {
      for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String s = l.strip();
        if (!s.isEmpty() && !s.startsWith("#")) {
          out.add(s);
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new PkiException(Reason.IO, "cannot read " + f + ": " + Keys.oneLine(e), e);
    }
    return out;
  }

  private static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
