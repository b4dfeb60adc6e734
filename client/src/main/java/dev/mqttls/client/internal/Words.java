package dev.mqttls.client.internal;

import java.util.regex.Pattern;

/**
 * An exception's message as words for a user: without the Java class names and native call names
 * ({@code java.nio.file.NoSuchFileException: }, {@code connect(..) failed: }) some libraries put in
 * front of the operating system's words.
 */
public final class Words {
  private static final Pattern CLASS_NAME =
      Pattern.compile("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)[:]?\\s*");
  private static final Pattern NATIVE_CALL = Pattern.compile("[a-z_]+\\(\\.\\.\\) failed:\\s*");

  private Words() {}

  /** What {@code t} says, in words; never empty. */
  public static String of(Throwable t) {
    String text = t.getMessage();
    if (text == null || text.isBlank()) {
      return t.getCause() != null && t.getCause() != t ? of(t.getCause()) : "an unexpected error";
    }
    String words = NATIVE_CALL.matcher(CLASS_NAME.matcher(text).replaceAll("")).replaceAll("");
    words = words.strip();
    return words.isEmpty() ? "an unexpected error" : words;
  }
}
