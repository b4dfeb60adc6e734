package dev.mqttls.admin.internal.http;

import dev.mqttls.broker.internal.security.PasswordFile;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP basic authentication (RFC 7617) against the broker's own {@link PasswordFile} reader and
 * verifier, so that {@code http_password_file} takes exactly what {@code password_file} takes.
 * Immutable; safe to share between event loops.
 */
public final class BasicAuth {
  private static final String SCHEME = "basic ";

  private final PasswordFile passwords;

  public BasicAuth(PasswordFile passwords) {
    this.passwords = passwords;
  }

  /**
   * The user an {@code Authorization} header value proves, or empty when it is missing, malformed,
   * names an unknown user or has a wrong password (the caller answers all of these alike).
   */
  public Optional<String> verify(String authorization) {
    if (authorization == null
        || authorization.length() <= SCHEME.length()
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Optional.empty();
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(authorization.substring(SCHEME.length()).strip());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    try {
      int colon = indexOf(raw, (byte) ':');
      if (colon < 0) {
        return Optional.empty();
      }
      String user;
      try {
        user =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(raw, 0, colon))
                .toString();
      } catch (CharacterCodingException e) {
        return Optional.empty();
      }
      byte[] password = Arrays.copyOfRange(raw, colon + 1, raw.length);
      try {
        return passwords.check(user, password) == PasswordFile.Result.ACCEPTED
            ? Optional.of(user)
            : Optional.empty();
      } finally {
        Arrays.fill(password, (byte) 0);
      }
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
