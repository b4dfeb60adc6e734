package dev.mqttls.broker.internal.security;

import dev.mqttls.broker.ConfigException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Mosquitto {@code password_file}: lines {@code user:hash} as {@code mosquitto_passwd} writes
 * them, {@code $7$ITERATIONS$SALT$HASH} (PBKDF2-HMAC-SHA512) or the older {@code $6$SALT$HASH}
 * (SHA-512 of password then salt), salt and hash in base64. Immutable once read; safe to share
 * between event loops.
 */
public final class PasswordFile {
  /** The outcome of a check; the password itself never leaves this class. */
  public enum Result {
    ACCEPTED,
    UNKNOWN_USER,
    WRONG_PASSWORD
  }

  /** Bounds a hostile or mistyped file's cost per CONNECT (mosquitto_passwd writes 101). */
  private static final int MAX_ITERATIONS = 1_000_000;

  private final Path file;
  private final Map<String, Hash> users;

  /** Checked against for unknown users, so that their refusal costs what a wrong password does. */
  private final Hash decoy;

  private PasswordFile(Path file, Map<String, Hash> users) {
    this.file = file;
    this.users = users;
    this.decoy = new Hash(7, 101, new byte[12], new byte[64]);
  }

  /**
   * Reads and checks the whole file.
   *
   * @throws ConfigException naming {@code FILE:LINE:} and what is wrong with the line
   */
  public static PasswordFile read(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new ConfigException(file + ": password_file is not UTF-8 text", e);
    } catch (IOException e) {
      throw new ConfigException(
          file + ": cannot read password_file: " + e.getClass().getSimpleName(), e);
    }
    return parse(text, file);
  }

  /** Parses the text of a password file, naming {@code file} in errors. */
  public static PasswordFile parse(String text, Path file) throws ConfigException {
    Map<String, Hash> users = new HashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + (i + 1) + ": ";
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new ConfigException(where + "not 'user:hash'; write the file with mosquitto_passwd");
      }
      String user = line.substring(0, colon);
      if (user.isEmpty()) {
        throw new ConfigException(where + "empty user name before ':'");
      }
      // The user name is safe to name; the hash is not repeated in errors.
      Hash h = Hash.parse(line.substring(colon + 1), where + "user '" + user + "': ");
      if (users.put(user, h) != null) {
        throw new ConfigException(where + "user '" + user + "' appears twice");
      }
    }
    return new PasswordFile(file, Map.copyOf(users));
  }

  public Path file() {
    return file;
  }

  public int size() {
    return users.size();
  }

  /** Checks {@code password} (the CONNECT's bytes, may be null) for {@code user}. */
  public Result check(String user, byte[] password) {
    Hash h = users.get(user);
    byte[] pw = password == null ? new byte[0] : password;
    if (h == null) {
      decoy.matches(pw);
      return Result.UNKNOWN_USER;
    }
    return password != null && h.matches(pw) ? Result.ACCEPTED : Result.WRONG_PASSWORD;
  }

  /** One stored hash. */
  private record Hash(int type, int iterations, byte[] salt, byte[] hash) {
    static Hash parse(String s, String where) throws ConfigException {
      String[] parts = s.split("\\$", -1);
      // "$7$101$salt$hash" splits to ["", "7", "101", "salt", "hash"]
      if (parts.length < 2 || !parts[0].isEmpty()) {
        throw new ConfigException(
            where
                + "password is not hashed ($6$ or $7$); plain-text passwords are not accepted,"
                + " hash the file with mosquitto_passwd -U");
      }
      switch (parts[1]) {
        case "6" -> {
          if (parts.length != 4) {
            throw new ConfigException(where + "a $6$ hash is $6$SALT$HASH");
          }
          return new Hash(6, 0, b64(parts[2], "salt", where), hash(parts[3], where));
        }
        case "7" -> {
          if (parts.length != 5) {
            throw new ConfigException(where + "a $7$ hash is $7$ITERATIONS$SALT$HASH");
          }
          int n;
          try {
            n = Integer.parseInt(parts[2]);
          } catch (NumberFormatException e) {
            throw new ConfigException(where + "iterations '" + parts[2] + "' is not a number");
          }
          if (n < 1 || n > MAX_ITERATIONS) {
            throw new ConfigException(
                where + "iterations " + n + " out of range 1.." + MAX_ITERATIONS);
          }
          return new Hash(7, n, b64(parts[3], "salt", where), hash(parts[4], where));
        }
        default ->
            throw new ConfigException(
                where + "unknown hash type $" + parts[1] + "$; mqttls reads $6$ and $7$");
      }
    }

    private static byte[] hash(String s, String where) throws ConfigException {
      byte[] h = b64(s, "hash", where);
      if (h.length != 64) {
        throw new ConfigException(where + "hash is " + h.length + " bytes, not 64 (SHA-512)");
      }
      return h;
    }

    private static byte[] b64(String s, String what, String where) throws ConfigException {
      try {
        byte[] b = Base64.getDecoder().decode(s);
        if (b.length == 0) {
          throw new ConfigException(where + "empty " + what);
        }
        return b;
      } catch (IllegalArgumentException e) {
        throw new ConfigException(where + what + " is not valid base64");
      }
    }

    boolean matches(byte[] password) {
      byte[] computed = type == 7 ? pbkdf2(password) : sha512(password);
      // Constant time: how much of a guess matched must not show in the answer's timing.
      return MessageDigest.isEqual(computed, hash);
    }

    private byte[] sha512(byte[] password) {
      try {
        MessageDigest d = MessageDigest.getInstance("SHA-512");
        d.update(password);
        d.update(salt);
        return d.digest();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-512 missing from this JDK", e);
      }
    }

    /** PBKDF2-HMAC-SHA512 (RFC 8018 section 5.2) over the raw bytes, one 64-byte block. */
    private byte[] pbkdf2(byte[] password) {
      try {
        Mac mac = Mac.getInstance("HmacSHA512");
        // An empty key is legal for HMAC but not for SecretKeySpec: pad as HMAC would.
        mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] t = u.clone();
        for (int i = 1; i < iterations; i++) {
          u = mac.doFinal(u);
          for (int j = 0; j < t.length; j++) {
            t[j] ^= u[j];
          }
        }
        return t;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA512 missing from this JDK", e);
      }
    }

    @Override
    public String toString() {
      return "Hash[$" + type + "$]";
    }
  }
}
